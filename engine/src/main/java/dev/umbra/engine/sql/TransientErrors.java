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

    private static final Set<Integer> RETRYABLE = Set.of(
            1213, // ER_LOCK_DEADLOCK
            1205  // ER_LOCK_WAIT_TIMEOUT
    );
    private static final int ATTEMPTS = 20;

    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException, InterruptedException;
    }

    private TransientErrors() {
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
