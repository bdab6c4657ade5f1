package dev.umbra.engine.sql;

import java.sql.SQLException;
import java.util.Set;

/**
 * Retries work that lost a deadlock or a lock wait. The chunk copy and the binlog apply touch the
 * same ghost rows concurrently, so InnoDB picks a victim now and then; both units of work are
 * idempotent (a chunk copy keeps existing rows, an apply batch writes final row states), so
 * running one again is always correct.
 */
public final class TransientErrors {

    static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_NOWAIT = 3572;
    private static final Set<Integer> RETRYABLE = Set.of(
            1213, // ER_LOCK_DEADLOCK
            1205, // ER_LOCK_WAIT_TIMEOUT (also MariaDB's answer to NOWAIT)
            3572  // ER_LOCK_NOWAIT (MySQL 8)
    );
    private static final int ATTEMPTS = 20;

    /** Server-side ends of a session: killed, interrupted, or the server shutting down. */
    private static final Set<Integer> CONNECTION_LOST = Set.of(
            2006, // CR_SERVER_GONE_ERROR
            2013, // CR_SERVER_LOST
            1053, // ER_SERVER_SHUTDOWN
            1927, // ER_CONNECTION_KILLED (MariaDB)
            1317, // ER_QUERY_INTERRUPTED: KILL of the running statement
            3169, // ER_SESSION_WAS_KILLED (MySQL 8)
            4031  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
    );

    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException, InterruptedException;
    }

    private TransientErrors() {
    }

    /**
     * Whether the session is gone (network, server restart, KILL) rather than the statement being
     * wrong: work that failed so may be run again on a new session. SQLState class 08 is the
     * standard's "connection exception"; the driver reports a dropped socket that way.
     */
    public static boolean isConnectionLoss(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ((state != null && state.startsWith("08")) || CONNECTION_LOST.contains(sql.getErrorCode())
                        || sql instanceof java.sql.SQLRecoverableException
                        || sql instanceof java.sql.SQLTransientConnectionException
                        || sql instanceof java.sql.SQLNonTransientConnectionException) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the session itself is gone, whatever its last error said: closed (the pool closes a
     * session the moment it fails with a connection error) or no longer answering.
     */
    public static boolean isGone(java.sql.Connection session) {
        try {
            return session.isClosed() || !session.isValid(2);
        } catch (SQLException e) {
            return true;
        }
    }

    /** Whether the statement waited for a lock longer than the session allows (ER_LOCK_WAIT_TIMEOUT). */
    public static boolean isLockWaitTimeout(SQLException e) {
        return e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT;
    }

    /**
     * Whether a locking read that refuses to wait found a row locked: MySQL 8's {@code NOWAIT}
     * error, or the lock wait timeout MariaDB answers it with. Only the statement was rolled back;
     * the transaction and its locks go on (a deadlock, which ends the transaction, is not this).
     */
    public static boolean isLockNotGranted(SQLException e) {
        return e.getErrorCode() == ER_LOCK_NOWAIT || e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT;
    }

    /** Whether the statement lost a deadlock or a lock wait, so that running it again may succeed. */
    public static boolean isLockContention(SQLException e) {
        return RETRYABLE.contains(e.getErrorCode());
    }

    public static <T> T retry(Work<T> work) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (!RETRYABLE.contains(e.getErrorCode()) || attempt >= ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(Math.min(1000, 5L * attempt * attempt));
            }
        }
    }
}
