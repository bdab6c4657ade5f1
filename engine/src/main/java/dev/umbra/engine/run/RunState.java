package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.checkpoint.Checkpoint;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.RevertWindow;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.progress.Verification;
import dev.umbra.engine.throttle.Hold;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a run has done so far: written by the runner's thread, read by the snapshots the status
 * and progress threads take. Turns itself, with the live figures of the applier, the checkpoint
 * and the throttle, into a {@link Progress}, and estimates the copy's time left.
 */
final class RunState {

    volatile Phase phase = Phase.INSPECTING;
    volatile String stage = "";
    volatile String message = "";
    volatile Instant phaseStartedAt = Instant.now();
    volatile long rowsCopied;
    /** Rows an interrupted run had copied before this one resumed (0 for a fresh run). */
    volatile long rowsCopiedBefore;
    /** Whether this run resumed from a checkpoint, or why it could not; null for a fresh run. */
    volatile String resumeNote;
    volatile long rowsEstimated;
    volatile Instant copyStartedAt;
    volatile Instant copyFinishedAt;
    /** Why work is held now, or null. */
    volatile Hold throttle;
    volatile int cutOverAttempts;
    volatile Duration lastLockTime;
    volatile Verification verification;
    /** Why an approved cut-over does not start yet (its schedule), or null. */
    volatile String cutOverWaitsFor;
    /** What the run will do, once inspection has found it. */
    volatile RunPlan plan;
    /** Why the run failed, once it has. */
    volatile FailureKind failure;
    /** The revert window after the cut-over, once there is one. */
    volatile RevertWindow revert;

    /**
     * @param applyLoop   the applier, once it runs (null before)
     * @param checkpoint  the last checkpoint saved, if any
     * @param replicaLags each watched replica's lag at the throttle's last check
     */
    Progress snapshot(ApplyLoop applyLoop, Optional<Checkpoint> checkpoint, Map<String, Duration> replicaLags) {
        Phase now = phase;
        boolean ended = now.isFinal();
        Instant at = Instant.now();
        Optional<Duration> applyLag = Optional.ofNullable(applyLoop == null || ended ? null : applyLoop.lastHeartbeatWrittenAt())
                .map(writtenAt -> writtenAt.isAfter(at) ? Duration.ZERO : Duration.between(writtenAt, at));
        boolean cuttingOver = now == Phase.AWAITING_CUT_OVER || now == Phase.CUT_OVER;
        // Read before the stage, which is written before it: a snapshot that says what the cut-over
        // waits for then has the stage that says so too.
        String waitsFor = cutOverWaitsFor;
        return new Progress(now, stage, rowsCopied, rowsEstimated, eta(),
                applyLoop == null ? 0 : applyLoop.eventsApplied(), applyLoop == null ? 0 : applyLoop.backlog(),
                Optional.ofNullable(applyLoop == null ? null : applyLoop.lastAppliedAt()), applyLag,
                Optional.ofNullable(ended ? null : throttle), cutOverAttempts,
                Optional.ofNullable(lastLockTime), Optional.ofNullable(verification), message, at,
                ended ? Optional.empty() : checkpoint,
                Optional.ofNullable(cuttingOver ? waitsFor : null),
                Optional.ofNullable(plan), ended ? Map.of() : replicaLags, Optional.ofNullable(failure),
                // Set just before the phase that shows it: a snapshot in between must not pair it with CutOver.
                Optional.ofNullable(now.ordinal() > Phase.CUT_OVER.ordinal() ? revert : null));
    }

    private Optional<Duration> eta() {
        if (copyStartedAt == null || copyFinishedAt != null || rowsCopied == rowsCopiedBefore) {
            return copyFinishedAt != null ? Optional.of(Duration.ZERO) : Optional.empty();
        }
        double seconds = Duration.between(copyStartedAt, Instant.now()).toMillis() / 1000.0;
        double rate = (rowsCopied - rowsCopiedBefore) / Math.max(seconds, 0.001);
        long left = Math.max(0, rowsEstimated - rowsCopied);
        return Optional.of(Duration.ofMillis((long) (1000 * left / rate)));
    }
}
