package dev.umbra.operator.runner;

import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.RevertVerdict;
import dev.umbra.engine.progress.RevertWindow;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.RevertStatus;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.ProgressStatus;
import dev.umbra.operator.status.RevertRefusal;
import dev.umbra.operator.status.StatusRecorder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Optional;

/**
 * The revert window's part of one run ({@link ActiveMigration}): hands the annotation
 * {@code umbra.dev/revert} to the run within its window, or says once why it changes nothing; and
 * announces how a run that was asked for a window ended. Called under the migration's lock.
 */
final class RevertSteering {

    private final SchemaMigration resource;
    private final MigrationRunner runner;
    private final ProgressSink sink;
    /** The revert window the spec asks for. */
    private final RevertOptions asked;
    private final StatusRecorder recorder;
    private final Events events;
    /** The run takes up a window an earlier operator's run left open (Done with it open, or in its swap back). */
    private final boolean resumesWindow;
    private boolean requested;
    /** The annotation, as set now, was acted on or refused: it is looked at again only once set anew. */
    private boolean answered;

    RevertSteering(SchemaMigration resource, MigrationRunner runner, ProgressSink sink, RevertOptions asked,
                   StatusRecorder recorder, Events events) {
        this.resource = resource;
        this.runner = runner;
        this.sink = sink;
        this.asked = asked;
        this.recorder = recorder;
        this.events = events;
        SchemaMigrationStatus before = recorder.current();
        this.resumesWindow = before.getPhase() == MigrationPhase.DONE || before.getPhase() == MigrationPhase.REVERTING;
        if (resumesWindow) {
            runner.onlyResumeRevertWindow(); // a window that is gone must not become a second migration of the table
        }
        // An annotation refused before the window opened stays refused after an operator restart.
        Condition answer = Conditions.get(before, Conditions.REVERT_REQUESTED);
        this.answered = answer != null && "False".equals(answer.getStatus())
                && RevertRefusal.NOT_CUT_OVER_YET.equals(answer.getReason());
    }

    /** Whether the run takes up a revert window an earlier run left open. */
    boolean resumesWindow() {
        return resumesWindow;
    }

    /** Whether the window was open at some point of this run. */
    boolean windowOpened() {
        return sink.revertWindowOpened();
    }

    /** Done with the revert window open, by the run's latest snapshot. */
    boolean windowOpen() {
        return ProgressStatus.revertWindowOpen(runner.progress());
    }

    /**
     * Hands a revert to the run within its window. Outside it, says once why nothing happens; an
     * annotation set before the window opened is not acted on later: it is removed and set anew.
     */
    void steer(boolean revertAnnotated) {
        if (!revertAnnotated) {
            answered = false;
            return;
        }
        if (answered || requested) {
            return;
        }
        if (resumesWindow && !sink.revertWindowOpened()) {
            return; // the window an earlier run left open is being taken up: acted on once it is open again
        }
        answered = true;
        if (windowOpen()) {
            requested = true;
            runner.control().requestRevert();
            String message = "A revert was requested with the annotation " + Annotations.REVERT + ": the tables are swapped"
                    + " back, and the table gets its old definition with every row written since the cut-over.";
            events.normal(resource, "RevertRequested", message);
            recorder.update(status -> Conditions.set(status, Conditions.REVERT_REQUESTED, true, "RequestedByAnnotation",
                    message), true);
            return;
        }
        RevertRefusal.of(recorder.current(), asked)
                .or(() -> recorder.phase() == MigrationPhase.REVERTED ? Optional.empty()
                        : Optional.of(new RevertRefusal(RevertRefusal.REVERT_WINDOW_CLOSED,
                        "Nothing was reverted: the revert window is not open now.")))
                .ifPresent(refusal -> refusal.record(resource, events, recorder));
    }

    /**
     * The Event of a run that returned: Reverted; the window closed (its Done Event came when it
     * opened); or Done, with a Warning and a status that say why no window opened where one was asked for.
     */
    void announceEnd(Progress end) {
        if (end.phase() == Phase.REVERTED) {
            events.normal(resource, MigrationPhase.REVERTED.displayName(), end.message());
            return;
        }
        if (sink.revertWindowOpened()) {
            events.normal(resource, RevertRefusal.REVERT_WINDOW_CLOSED, end.message()); // the engine's says why it closed
            return;
        }
        events.normal(resource, MigrationPhase.DONE.displayName(), end.message());
        if (end.phase() == Phase.DONE && asked.enabled()) {
            String why = whyNoWindow(end);
            events.warning(resource, RevertRefusal.NO_REVERT_WINDOW, "No revert window was opened after the cut-over: " + why);
            recorder.stage(status -> {
                if (status.getRevert() == null) {
                    status.setRevert(new RevertStatus(null, null, false, "no revert window: " + why));
                }
            });
        }
    }

    /**
     * A run that was to take up a window an earlier run left open could not (its checkpoint is
     * invalid, its binlog gone): the migration stays Done, the window is closed, and it says why.
     */
    void windowLost(String why) {
        String message = "Done, but the revert window an earlier run left open could not go on: " + why;
        events.warning(resource, RevertRefusal.REVERT_WINDOW_CLOSED, message);
        recorder.stage(status -> {
            status.setPhase(MigrationPhase.DONE);
            status.setStage("done (revert window closed)");
            status.setMessage(message);
            RevertStatus window = status.getRevert() == null ? new RevertStatus() : status.getRevert();
            window.setReversible(false);
            window.setLagMillis(null);
            window.setReason(message);
            status.setRevert(window);
            Conditions.set(status, Conditions.READY, true, "Done", message);
        });
    }

    /** The plan's verdict where it rules the window out (as for an instant ALTER), else what the run said. */
    private String whyNoWindow(Progress end) {
        Optional<RevertVerdict> verdict = end.plan().map(RunPlan::revert).filter(found -> !found.allows(asked.acceptLoss()));
        if (verdict.isPresent()) {
            return "the plan's verdict is " + verdict.get().describe() + ".";
        }
        return end.revert().map(RevertWindow::reason).filter(reason -> !reason.isBlank()).orElse("the run ended without one.");
    }
}
