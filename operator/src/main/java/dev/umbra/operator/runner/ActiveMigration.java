package dev.umbra.operator.runner;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.failure.ServerUnreachableException;
import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.operator.logging.MigrationMdc;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.ControlRequests;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.FailureReasons;
import dev.umbra.operator.status.StatusRecorder;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine run for one SchemaMigration, on a pool thread. The reconciler steers it with the
 * resource's annotations; every control action is acknowledged in a condition and an Event. With a
 * revert window the run outlives the phase Done: it keeps the old table in step until the window
 * ends or a revert is asked for.
 */
public final class ActiveMigration {

    private static final Logger log = LoggerFactory.getLogger(ActiveMigration.class);

    private final SchemaMigration resource;
    private final MigrationRunner runner;
    private final RevertSteering revert;
    private final StatusRecorder recorder;
    private final Events events;
    private final boolean manualApproval;
    private final Runnable onEnd;
    private boolean paused;
    private boolean approved;
    private boolean planApproved;
    private boolean abortRequested;
    private volatile boolean shuttingDown;
    /** The phase the resource had before this run: a run that cannot start leaves it so. */
    private final MigrationPhase phaseBefore;
    private volatile StartProblem startProblem;

    ActiveMigration(SchemaMigration resource, MigrationRunner runner, ProgressSink sink, RevertOptions revertAsked,
                    StatusRecorder recorder, Events events, boolean manualApproval, Runnable onEnd) {
        this.resource = resource;
        this.runner = runner;
        this.recorder = recorder;
        this.events = events;
        this.manualApproval = manualApproval;
        this.onEnd = onEnd;
        this.phaseBefore = recorder.phase();
        this.revert = new RevertSteering(resource, runner, sink, revertAsked, recorder, events);
    }

    /** {@code namespace/name} of the resource. */
    public String displayName() {
        return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    /**
     * Applies what the annotations ask for; each change once. Each Event is recorded before the
     * status shows the change, so that whoever sees the condition also finds its Event.
     */
    public synchronized void steer(ControlRequests requests) {
        if (requests.abort() && !abortRequested) {
            requestAbort("aborted by the annotation " + Annotations.ABORT, "AbortRequested", revert.windowOpen()
                    ? "Abort requested by the annotation " + Annotations.ABORT + " in the revert window: the window closes"
                    + " early, the table keeps its new definition, and the old table is dropped or kept as spec.cleanup says."
                    : "Abort requested by the annotation " + Annotations.ABORT + "; the helper tables are being dropped.");
        }
        if (requests.paused() != paused) {
            paused = requests.paused();
            if (paused) {
                runner.control().pause();
                events.normal(resource, "Paused", "Copy and apply hold (the annotation " + Annotations.PAUSED + ").");
                recorder.update(status -> Conditions.set(status, Conditions.PAUSED, true, "PausedByAnnotation",
                        "Copy and apply hold (the annotation " + Annotations.PAUSED + "); remove it to resume."), true);
            } else {
                runner.control().resume();
                events.normal(resource, "Resumed", "Copy and apply run again (the annotation " + Annotations.PAUSED + " was removed).");
                recorder.update(status -> Conditions.set(status, Conditions.PAUSED, false, "Resumed",
                        "The annotation " + Annotations.PAUSED + " was removed."), true);
            }
        }
        if (requests.approvePlan() && resource.getSpec().planApproval() == Approval.MANUAL && !planApproved) {
            planApproved = true;
            runner.control().approvePlan();
            events.normal(resource, "PlanApproved", "The plan was approved with the annotation " + Annotations.APPROVE_PLAN
                    + "; the migration inspects the table again, then creates its helper tables and copies.");
            recorder.update(status -> Conditions.set(status, Conditions.PLAN_APPROVED, true, "ApprovedByAnnotation",
                    "The plan was approved with the annotation " + Annotations.APPROVE_PLAN + "."), true);
        }
        if (requests.approveCutOver() && manualApproval && !approved) {
            approved = true;
            runner.control().approveCutOver();
            events.normal(resource, "CutOverApproved", "The cut-over was approved with the annotation "
                    + Annotations.APPROVE_CUT_OVER + "; it follows as soon as the copy has caught up.");
            recorder.update(status -> Conditions.set(status, Conditions.CUT_OVER_APPROVED, true, "ApprovedByAnnotation",
                    "The cut-over was approved with the annotation " + Annotations.APPROVE_CUT_OVER + "."), true);
        }
        revert.steer(requests.revert());
    }


    /** The resource is being deleted: abort, so that the helper tables are dropped. */
    public synchronized void abortForDeletion() {
        if (!abortRequested) {
            requestAbort("the SchemaMigration was deleted", "Deleting",
                    "The SchemaMigration is being deleted: the migration is aborted and its helper tables dropped.");
        }
    }

    private void requestAbort(String reason, String eventReason, String message) {
        abortRequested = true;
        runner.control().abort(reason);
        events.normal(resource, eventReason, message);
        recorder.update(status -> Conditions.set(status, Conditions.ABORT_REQUESTED, true, eventReason, message), true);
    }

    /**
     * The operator is stopping (shutdown, or another replica is to lead): end the run without an
     * end in the status and without dropping its helper tables, so that the operator that takes over
     * continues it (from its checkpoint, where the engine has one). A revert window is left open so:
     * the status keeps saying Done with the window open, and the next operator's run keeps the old
     * table in step again from the window's checkpoint.
     */
    public void stopForHandover() {
        shuttingDown = true;
        recorder.close();
        runner.control().handOver("the operator is shutting down; the next operator takes this migration over");
    }

    void run() {
        try (MigrationMdc ignored = MigrationMdc.of(resource)) {
            runUnderMdc();
        }
    }

    private void runUnderMdc() {
        try {
            runner.run();
            if (!shuttingDown) { // a window handed over ends the run Done, with the window left open
                // the Event first: whoever sees the final phase in the status finds its Event too
                revert.announceEnd(runner.progress());
                recorder.flush();
            }
        } catch (TableInUseException e) {
            cannotStart(new StartProblem(FailureReasons.of(FailureKind.TABLE_IN_USE), e.getMessage(), false), e.holder());
        } catch (MigrationRefusedException e) {
            if (revert.resumesWindow()) {
                revert.windowLost(runner.progress().message());
                return;
            }
            ended(FailureReasons.of(FailureKind.REFUSED), runner.progress().message());
        } catch (ServerUnreachableException e) {
            cannotStart(new StartProblem(FailureReasons.of(FailureKind.SERVER_UNREACHABLE), e.getMessage(), true), null);
        } catch (MigrationFailedException e) {
            if (revert.resumesWindow() && !revert.windowOpened()) {
                revert.windowLost(runner.progress().message());
                return;
            }
            ended(FailureReasons.of(e.kind()), runner.progress().message());
        } catch (MigrationAbortedException e) {
            if (!shuttingDown) {
                events.normal(resource, MigrationPhase.ABORTED.displayName(), runner.progress().message());
                recorder.flush();
            }
        } catch (RuntimeException e) {
            log.error("The migration of {} failed unexpectedly", displayName(), e);
            String message = "Failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            recorder.stage(status -> {
                status.setPhase(MigrationPhase.FAILED);
                status.setMessage(message);
            });
            ended("Failed", message);
        } finally {
            if (!shuttingDown) {
                recorder.flush();
            }
            onEnd.run();
        }
    }

    /** Why the run could not start, if that is why it ended: it is then tried again later. */
    Optional<StartProblem> startProblem() {
        return Optional.ofNullable(startProblem);
    }

    /** A reason not to start that goes away (see {@link StartRetry}). */
    record StartProblem(String reason, String message, boolean setupProblem) {
    }

    /**
     * The resource keeps the phase it had (Pending, or the phase of a run an operator restart
     * interrupted), and says why nothing runs: the other run ends sooner or later (a lost one's lock
     * is freed by its server within minutes), the database comes back.
     */
    private void cannotStart(StartProblem problem, String waitingFor) {
        startProblem = problem;
        if (shuttingDown) {
            return;
        }
        String message = new StartRetry(problem.reason(), problem.message(), problem.setupProblem(), Instant.now(), 1,
                Instant.now()).waitingMessage();
        if (problem.setupProblem()) {
            events.warning(resource, problem.reason(), message); // repeats are aggregated into one Event
        } else {
            events.normal(resource, problem.reason(), message);
        }
        recorder.stage(status -> {
            status.setPhase(revert.resumesWindow() || (phaseBefore != null && phaseBefore.isRunning()) ? phaseBefore
                    : MigrationPhase.PENDING);
            status.setStage(waitingFor != null ? "waiting for the table's migration lock" : "waiting for the database");
            status.setMessage(message);
            status.setWaitingFor(waitingFor);
            Conditions.set(status, Conditions.READY, false, problem.reason(), message);
        });
        recorder.flush();
    }

    private void ended(String reason, String message) {
        if (shuttingDown) {
            return;
        }
        recorder.stage(status -> Conditions.set(status, Conditions.READY, false, reason, message));
        events.warning(resource, reason, message);
        recorder.flush();
    }
}
