package dev.umbra.engine.throttle;

import java.time.Instant;

/**
 * Why copy and apply hold back, and since when.
 *
 * @param kind   what holds them, for programs (the operator's Events, a metric's label)
 * @param reason for people, with the figures: e.g. "replica lag db-2:3306 2400 ms > 1500 ms"
 * @param since  when the hold began; a reason whose figures change keeps it
 */
public record Hold(Kind kind, String reason, Instant since) {

    /** What can hold a migration. */
    public enum Kind {
        /** A person paused the migration. */
        PAUSED,
        /** A replica lags more than the limit, or its lag cannot be read. */
        REPLICA_LAG,
        /** The writer's load is over {@code maxLoad}, or cannot be read. */
        LOAD,
        /** The writer's load is over {@code criticalLoad}: the migration is being aborted. */
        CRITICAL_LOAD,
        /** Something outside the engine holds it: the CLI's throttle flag file. */
        EXTERNAL,
        /** The throttle's own check failed; the migration holds until it works again. */
        CHECK_FAILED
    }

    /** The same hold, begun at another time. */
    public Hold since(Instant began) {
        return new Hold(kind, reason, began);
    }

    /** The reason and since when, e.g. for the CLI's status line. */
    public String describe() {
        return reason + " (since " + since + ")";
    }
}
