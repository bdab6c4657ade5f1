package dev.umbra.engine.progress;

import dev.umbra.engine.checkpoint.Checkpoint;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.throttle.Hold;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a running migration, published to a {@link ProgressListener}.
 *
 * @param phase                 the phase
 * @param stage                 a finer step inside the phase (e.g. "waiting for approval")
 * @param rowsCopied            rows copied so far
 * @param rowsEstimated         the server's estimate of the table's rows at the start
 * @param eta                   estimated time left for the copy, if it can be estimated
 * @param eventsApplied         binlog row changes applied to the ghost table
 * @param applyBacklog          row changes received but not yet applied
 * @param lastAppliedAt         when the last binlog change was applied (empty before the first)
 * @param applyLag              how far the ghost table is behind the original: the age of the newest
 *                              changelog heartbeat that has come back through the binlog (empty
 *                              before the first); it grows while apply is paused or stuck
 * @param throttle              why work is held back, if it is: what holds it, why, and since when
 * @param cutOverAttempts       cut-over attempts made
 * @param lastLockTime          how long the last cut-over attempt held writers blocked
 * @param verification          the outcome of the checksum before cut-over, once it is done
 * @param message               a human sentence about what is happening or what went wrong
 * @param at                    when this snapshot was taken
 * @param checkpoint            the last checkpoint saved (or resumed from): where a restarted run would
 *                              go on from
 * @param cutOverWaitsFor       what an approved cut-over waits for that no throttle explains: its
 *                              schedule (e.g. "cut-over window Mon-Fri 01:00-05:00 Europe/Berlin (next
 *                              opens in 3h12m)"); empty otherwise
 * @param plan                  what the run will do (method, key, estimates, helper tables), once
 *                              inspection has found it
 * @param replicaLag            each watched replica's lag (by host:port) at the throttle's last check;
 *                              empty when no replica is watched
 * @param failure               why the run ended Failed, for programs (the message says it for people);
 *                              empty in every other phase
 * @param revert                the revert window after the cut-over, once the run is Done with one
 *                              asked for (and in Reverted)
 */
public record Progress(Phase phase, String stage, long rowsCopied, long rowsEstimated, Optional<Duration> eta,
                       long eventsApplied, long applyBacklog, Optional<Instant> lastAppliedAt, Optional<Duration> applyLag,
                       Optional<Hold> throttle, int cutOverAttempts, Optional<Duration> lastLockTime,
                       Optional<Verification> verification,
                       String message, Instant at, Optional<Checkpoint> checkpoint, Optional<String> cutOverWaitsFor,
                       Optional<RunPlan> plan, Map<String, Duration> replicaLag,
                       Optional<FailureKind> failure, Optional<RevertWindow> revert) {

    /** Copy progress in percent, 0–100 (an estimate: the row count is the server's guess). */
    public double percent() {
        if (phase.ordinal() > Phase.COPYING.ordinal() && phase != Phase.FAILED && phase != Phase.ABORTED) {
            return 100.0;
        }
        if (rowsEstimated <= 0) {
            return 0.0;
        }
        return Math.min(100.0, 100.0 * rowsCopied / rowsEstimated);
    }

    /** The largest lag of the watched replicas, if any was measured. */
    public Optional<Duration> largestReplicaLag() {
        return replicaLag.values().stream().max(Duration::compareTo);
    }

    /** Seconds since the last applied binlog change, or empty if none was applied yet. */
    public Optional<Double> secondsSinceLastApplied() {
        return lastAppliedAt.map(last -> Duration.between(last, at).toMillis() / 1000.0);
    }
}
