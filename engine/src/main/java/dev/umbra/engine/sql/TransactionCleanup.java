package dev.umbra.engine.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The clean-up of a unit of work that must not hide why the unit failed. When the session is gone
 * (killed, a network drop, a server restart), the rollback and the autocommit reset after the
 * failure fail too, with "No operations allowed after connection closed" or the pool's "Connection
 * is closed", and a failure thrown from a {@code finally} block replaces the first one: the user
 * would read about a closed connection instead of the lost server.
 */
public final class TransactionCleanup {

    private TransactionCleanup() {
    }

    /** Rolls back after {@code cause}; a rollback that fails too is attached to it, not thrown. */
    public static void rollback(Connection connection, SQLException cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailed) {
            cause.addSuppressed(rollbackFailed);
        }
    }

    /**
     * Restores autocommit in a {@code finally} block. On a session that is gone this is not an
     * error of its own: whatever made the session go is reported by the work that ran on it, and
     * the session's owner opens a new one.
     */
    public static void restoreAutoCommit(Connection connection, boolean autoCommit) throws SQLException {
        restore(connection, () -> connection.setAutoCommit(autoCommit));
    }

    /** Restores the isolation level in a {@code finally} block, as {@link #restoreAutoCommit} restores autocommit. */
    public static void restoreIsolation(Connection connection, int isolation) throws SQLException {
        restore(connection, () -> connection.setTransactionIsolation(isolation));
    }

    private interface SessionSetting {
        void set() throws SQLException;
    }

    private static void restore(Connection connection, SessionSetting setting) throws SQLException {
        try {
            setting.set();
        } catch (SQLException e) {
            if (!TransientErrors.isGone(connection)) {
                throw e;
            }
        }
    }
}
