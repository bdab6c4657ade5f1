package dev.umbra.operator.status;

import dev.umbra.engine.checkpoint.Checkpoint;
import dev.umbra.engine.checkpoint.CopyRange;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.RevertWindow;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.throttle.Hold;
import dev.umbra.operator.model.CheckpointStatus;
import dev.umbra.operator.model.HelperTableNames;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.PhaseStartTimes;
import dev.umbra.operator.model.PlanStatus;
import dev.umbra.operator.model.RevertStatus;
import dev.umbra.operator.model.SchemaMigrationStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Optional;

/** Writes an engine progress snapshot into the status fields. */
public final class ProgressStatus {

    private ProgressStatus() {
    }

    /** The status phase of an engine phase. */
    public static MigrationPhase phaseOf(Phase phase) {
        return switch (phase) {
            case INSPECTING -> MigrationPhase.INSPECTING;
            case AWAITING_PLAN_APPROVAL -> MigrationPhase.AWAITING_PLAN_APPROVAL;
            case COPYING -> MigrationPhase.COPYING;
            case AWAITING_CUT_OVER -> MigrationPhase.AWAITING_CUT_OVER;
            case CUT_OVER -> MigrationPhase.CUT_OVER;
            case DONE -> MigrationPhase.DONE;
            case REVERTING -> MigrationPhase.REVERTING;
            case REVERTED -> MigrationPhase.REVERTED;
            case FAILED -> MigrationPhase.FAILED;
            case ABORTED -> MigrationPhase.ABORTED;
        };
    }

    /**
     * Done with the revert window open: the phase is final, but the run goes on, keeping the old
     * table in step, until the window ends or a revert is asked for.
     */
    public static boolean revertWindowOpen(Progress progress) {
        return progress.phase() == Phase.DONE && progress.revert().map(RevertWindow::reversible).orElse(false);
    }

    /** The run has ended, or ends with this snapshot: a final phase outside a revert window. */
    public static boolean runEnded(Progress progress) {
        return progress.phase().isFinal() && !revertWindowOpen(progress);
    }

    public static void apply(Progress progress, SchemaMigrationStatus status) {
        MigrationPhase phase = phaseOf(progress.phase());
        if (status.getPhase() != phase) {
            PhaseStartTimes times = status.getPhaseStartTimes() == null ? new PhaseStartTimes() : status.getPhaseStartTimes();
            times.set(phase, progress.at().toString());
            status.setPhaseStartTimes(times);
        }
        status.setPhase(phase);
        status.setStage(progress.stage());
        status.setMessage(progress.message());
        status.setWaitingFor(progress.cutOverWaitsFor().orElse(null));
        progress.plan().ifPresent(plan -> status.setPlan(planOf(plan)));
        // a run taking up a window an earlier run left open has none until it is open again
        status.setRevert(progress.revert().map(ProgressStatus::revertOf).orElse(status.getRevert()));
        status.setRowsCopied(progress.rowsCopied());
        status.setRowsEstimated(progress.rowsEstimated());
        double percent = Math.round(progress.percent() * 10) / 10.0;
        status.setPercent(percent);
        status.setProgress(String.format(Locale.ROOT, "%.1f%%", percent));
        Optional<Duration> eta = phase == MigrationPhase.COPYING ? progress.eta() : Optional.empty();
        status.setEtaSeconds(eta.map(Duration::toSeconds).orElse(null));
        status.setEta(eta.map(Durations::human).orElse(null));
        status.setEventsApplied(progress.eventsApplied());
        status.setApplyBacklog(progress.applyBacklog());
        status.setApplyLagMillis(progress.applyLag().map(Duration::toMillis).orElse(null));
        status.setLag(progress.applyLag().map(Durations::human).orElse(null));
        applyThrottle(progress, status);
        status.setCutOverAttempts(progress.cutOverAttempts());
        status.setLastLockMillis(progress.lastLockTime().map(Duration::toMillis).orElse(null));
        // At the end the checkpoint table is dropped: there is nothing left to resume from.
        status.setCheckpoint(progress.phase().isFinal() ? null : progress.checkpoint().map(ProgressStatus::checkpointOf)
                .orElse(status.getCheckpoint()));
        progress.verification().ifPresent(verification -> {
            status.setVerifyMillis(verification.duration().toMillis());
            status.setVerifyRepairedChunks(verification.repairedChunks());
        });
        applyReady(progress, status);
    }

    static PlanStatus planOf(RunPlan plan) {
        PlanStatus status = new PlanStatus();
        status.setMethod(plan.method().displayName());
        status.setKey(plan.key());
        status.setEstimatedRows(plan.estimatedRows());
        status.setEstimatedBytes(plan.estimatedBytes());
        status.setEstimatedSize(plan.sizeText());
        status.setEstimatedCopySeconds(plan.estimatedCopyTime().map(Duration::toSeconds).orElse(null));
        status.setEstimatedCopy(plan.estimatedCopyTime().map(Durations::human).orElse(null));
        status.setHelperTables(new HelperTableNames(plan.ghostTable(), plan.changelogTable(), plan.oldTable(), null));
        status.setWarnings(new ArrayList<>(plan.warnings()));
        status.setRevert(plan.revert().kind().displayName());
        status.setRevertFindings(new ArrayList<>(plan.revert().findings()));
        return status;
    }

    static RevertStatus revertOf(RevertWindow window) {
        return new RevertStatus(window.until().toString(), window.lag().map(Duration::toMillis).orElse(null),
                window.reversible(), window.reason().isBlank() ? null : window.reason());
    }

    static CheckpointStatus checkpointOf(Checkpoint checkpoint) {
        CheckpointStatus status = new CheckpointStatus();
        status.setSavedAt(checkpoint.savedAt().toString());
        status.setPhase(checkpoint.phase());
        status.setBinlogFile(checkpoint.appliedPosition().file());
        status.setBinlogPosition(checkpoint.appliedPosition().position());
        status.setGtidSet(checkpoint.appliedPosition().gtidSet());
        status.setRowsCopied(checkpoint.rowsCopied());
        for (CopyRange range : checkpoint.copyRanges()) {
            CheckpointStatus.CopyRangeStatus copied = new CheckpointStatus.CopyRangeStatus();
            copied.setUpperKey(Checkpoint.displayKey(range.upperInclusive()));
            copied.setWatermark(Checkpoint.displayKey(range.watermark()));
            copied.setDone(range.done());
            status.getCopyRanges().add(copied);
        }
        return status;
    }

    private static void applyThrottle(Progress progress, SchemaMigrationStatus status) {
        status.setReplicaLagMillis(progress.largestReplicaLag().map(Duration::toMillis).orElse(null));
        // the sync of an open revert window is held like the copy (paused, a lagging replica)
        Optional<Hold> hold = runEnded(progress) ? Optional.empty() : progress.throttle();
        if (hold.isPresent()) {
            status.setThrottleReason(hold.get().reason());
            status.setThrottledSince(hold.get().since().toString());
            Conditions.set(status, Conditions.THROTTLED, true, conditionReason(hold.get().kind()), hold.get().reason());
        } else {
            status.setThrottleReason(null);
            status.setThrottledSince(null);
            Conditions.set(status, Conditions.THROTTLED, false, "NotThrottled", "Copy and apply run at full speed.");
        }
    }

    /** The Throttled condition's reason: what holds the run. */
    static String conditionReason(Hold.Kind kind) {
        return switch (kind) {
            case PAUSED -> "Paused";
            case REPLICA_LAG -> "ReplicaLag";
            case LOAD -> "MaxLoad";
            case CRITICAL_LOAD -> "CriticalLoad";
            case EXTERNAL -> "External";
            case CHECK_FAILED -> "ThrottleCheckFailed";
        };
    }

    private static void applyReady(Progress progress, SchemaMigrationStatus status) {
        Phase phase = progress.phase();
        if (phase == Phase.DONE) {
            Conditions.set(status, Conditions.READY, true, "Done", progress.message());
        } else if (phase == Phase.FAILED || phase == Phase.ABORTED || phase == Phase.REVERTED) {
            Conditions.set(status, Conditions.READY, false, phase.displayName(), progress.message());
        } else {
            Conditions.set(status, Conditions.READY, false, "InProgress", "The migration is " + phase.displayName() + ".");
        }
    }
}
