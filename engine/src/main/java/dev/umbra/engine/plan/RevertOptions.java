package dev.umbra.engine.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether the old table is kept in step after the cut-over so that the migration can be undone.
 *
 * @param window     how long after the cut-over the old table is kept in step and a revert may be
 *                   asked for; zero (the default) keeps nothing in step and offers no revert
 * @param acceptLoss revert even where the inverse of the column mapping loses data the plan names
 *                   (a dropped column's values of rows inserted since the cut-over, a narrowed type);
 *                   without it such a migration offers no revert
 */
public record RevertOptions(Duration window, boolean acceptLoss) {

    /** A window is for deciding whether the new definition hurts, not for keeping two tables for ever. */
    public static final Duration MAX_WINDOW = Duration.ofDays(7);

    public RevertOptions {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("the revert window must be between 0 and " + MAX_WINDOW.toDays()
                    + " days, not " + window);
        }
    }

    public static RevertOptions off() {
        return new RevertOptions(Duration.ZERO, false);
    }

    /** Whether the old table is kept in step after the cut-over at all. */
    public boolean enabled() {
        return !window.isZero();
    }
}
