package dev.umbra.engine.cutover;

import java.time.Duration;

/**
 * The time one attempt may keep writers waiting, counted from the moment it asks for the write
 * lock: waiting for the lock and holding it share one budget, so writers are blocked for at most
 * the lock timeout however the time splits between the two.
 */
final class LockBudget {

    private final Duration total;
    private final long startedAt = System.nanoTime();

    LockBudget(Duration total) {
        this.total = total;
    }

    /** What is left, never negative. */
    Duration remaining() {
        long left = total.toNanos() - (System.nanoTime() - startedAt);
        return Duration.ofNanos(Math.max(0, left));
    }

    /** Throws if the budget is spent: the attempt must give up rather than block writers longer. */
    void check(String doing) throws CutOverAttemptException {
        if (remaining().isZero()) {
            throw new CutOverAttemptException(doing + " did not finish within the lock timeout of "
                    + total.toSeconds() + " s");
        }
    }

    Duration total() {
        return total;
    }
}
