package dev.umbra.engine.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Statements shared by the cut-over forms. */
final class CutOverSql {

    private CutOverSql() {
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Bounds every metadata-lock wait of this session: a blocked attempt gives up instead of stalling writers. */
    static void boundLockWaits(Connection connection, Duration timeout) throws SQLException {
        execute(connection, "SET SESSION lock_wait_timeout = " + Math.max(1, timeout.toSeconds()));
    }

    /**
     * Copies the original's AUTO_INCREMENT counter to the ghost, so ids deleted from the top of the
     * original are not handed out again. Runs while writers are blocked, so the counter is final.
     */
    static void carryAutoIncrement(Connection connection, CutOverContext context) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute("SET SESSION information_schema_stats_expiry = 0"); // MySQL 8 caches the value otherwise
            } catch (SQLException notMySql8) {
                // 5.7 and MariaDB read it live
            }
        }
        long counter;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, context.schema());
            statement.setString(2, context.original());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next() || row.getObject(1) == null) {
                    return;
                }
                counter = row.getLong(1);
            }
        }
        execute(connection, "ALTER TABLE " + context.qualifiedGhost() + " AUTO_INCREMENT = " + counter);
    }

    static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a session releases its locks; nothing else to do
            }
        }
    }
}
