package dev.umbra.operator.runner;

import dev.umbra.engine.run.MigrationAbortedException;
import dev.umbra.engine.run.MigrationFailedException;
import dev.umbra.engine.run.MigrationRefusedException;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.engine.run.TableInUseException;
import dev.umbra.operator.logging.MigrationMdc;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.ControlRequests;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.StatusRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine run for one SchemaMigration, on a pool thread. The reconciler steers it with the
 * resource's annotations; every control action is acknowledged in a condition and an Event.
 */
public final class ActiveMigration {

    private static final Logger log = LoggerFactory.getLogger(ActiveMigration.class);

    private final SchemaMigration resource;
    private final MigrationRunner runner;
    private final StatusRecorder recorder;
    private final Events events;
    private final boolean manualApproval;
    private final Runnable onEnd;
    private boolean paused;
    private boolean approved;
    private boolean abortRequested;
    private volatile boolean shuttingDown;
    private volatile boolean foundTableInUse;

    ActiveMigration(SchemaMigration resource, MigrationRunner runner, StatusRecorder recorder, Events events,
                    boolean manualApproval, Runnable onEnd) {
        this.resource = resource;
        this.runner = runner;
        this.recorder = recorder;
        this.events = events;
        this.manualApproval = manualApproval;
        this.onEnd = onEnd;
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
            requestAbort("aborted by the annotation " + Annotations.ABORT, "AbortRequested",
                    "Abort requested by the annotation " + Annotations.ABORT + "; the helper tables are being dropped.");
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
        if (requests.approveCutOver() && manualApproval && !approved) {
            approved = true;
            runner.control().approveCutOver();
            events.normal(resource, "CutOverApproved", "The cut-over was approved with the annotation "
                    + Annotations.APPROVE_CUT_OVER + "; it follows as soon as the copy has caught up.");
            recorder.update(status -> Conditions.set(status, Conditions.CUT_OVER_APPROVED, true, "ApprovedByAnnotation",
                    "The cut-over was approved with the annotation " + Annotations.APPROVE_CUT_OVER + "."), true);
        }
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
     * continues it (from its checkpoint, where the engine has one).
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
            // the Event first: whoever sees the final phase in the status finds its Event too
            events.normal(resource, MigrationPhase.DONE.displayName(), runner.progress().message());
            recorder.flush();
        } catch (TableInUseException e) {
            waitForTheTable(e);
        } catch (MigrationRefusedException e) {
            ended("Refused", runner.progress().message());
        } catch (MigrationFailedException e) {
            String message = runner.progress().message();
            ended(e.getMessage() != null && e.getMessage().startsWith("cannot connect") ? "CannotConnect" : "Failed", message);
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

    /** Whether the run ended because another run holds the table's lock: it is then tried again later. */
    boolean foundTableInUse() {
        return foundTableInUse;
    }

    /** Back to Pending: the other run ends sooner or later, and a lost one's lock is freed by its server within minutes. */
    private void waitForTheTable(TableInUseException e) {
        foundTableInUse = true;
        if (shuttingDown) {
            return;
        }
        String message = "Waiting: " + e.getMessage() + " Umbra tries again, at growing intervals up to a minute.";
        events.normal(resource, "TableInUse", message); // repeats are aggregated into one Event
        recorder.stage(status -> {
            status.setPhase(MigrationPhase.PENDING);
            status.setStage("waiting for the table's migration lock");
            status.setMessage(message);
            status.setWaitingFor(e.holder());
            Conditions.set(status, Conditions.READY, false, "TableInUse", message);
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
