package dev.umbra.operator.reconcile;

import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.operator.metrics.MigrationMetrics;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.ControlRequests;
import dev.umbra.operator.model.HelperTableNames;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.PhaseStartTimes;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.runner.MigrationFactory;
import dev.umbra.operator.runner.MigrationRuns;
import dev.umbra.operator.runner.StartOutcome;
import dev.umbra.operator.runner.StartRetry;
import dev.umbra.operator.runner.TableKey;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.StatusRecorder;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts a SchemaMigration that is not running: or keeps it Pending (paused, its table busy, no free
 * runner), or ends it (aborted before it started, invalid spec or Secret).
 */
final class MigrationStarter {

    /** What the reconciler should do next. */
    enum Next { WAIT_FOR_CHANGE, RECHECK_SOON }

    private final MigrationRuns runs;
    private final Credentials credentials;
    private final Events events;
    private final MigrationMetrics metrics;
    /** The operator's --diagnostics-include-statements: details left out of status go to its log. */
    private final boolean diagnosticsIncludeStatements;

    MigrationStarter(MigrationRuns runs, Credentials credentials, Events events, MigrationMetrics metrics,
                     boolean diagnosticsIncludeStatements) {
        this.diagnosticsIncludeStatements = diagnosticsIncludeStatements;
        this.runs = runs;
        this.credentials = credentials;
        this.events = events;
        this.metrics = metrics;
    }

    Next startOrWait(SchemaMigration resource, StatusRecorder recorder, ControlRequests requests) {
        MigrationPhase previous = recorder.phase();
        if (previous == null) {
            accept(resource, recorder);
        }
        // A revert window an earlier operator left open is taken up by a new run: an abort or a pause
        // then acts on that run (an abort closes the window; the migration stays Done).
        boolean windowLeftOpen = RevertRecovery.windowLeftOpen(recorder.current());
        if (requests.abort() && !windowLeftOpen) {
            end(resource, recorder, MigrationPhase.ABORTED, "AbortedBeforeStart", "Aborted before it started (the annotation "
                    + Annotations.ABORT + "); nothing was changed.");
            return Next.WAIT_FOR_CHANGE;
        }
        String uid = resource.getMetadata().getUid();
        Optional<StartRetry> retry = runs.retry(uid);
        MigrationPlan plan;
        try {
            PlanFactory.validate(resource.getSpec());
            if (retry.isPresent() && retry.get().outlasted(PlanFactory.setupTimeout(resource.getSpec()), Instant.now())) {
                runs.stopRetrying(uid);
                String problem = retry.get().message();
                if (windowLeftOpen) {
                    closeRevertWindow(resource, recorder, new CutOverRecovery.End(MigrationPhase.DONE, retry.get().reason(),
                            "Done, but the revert window an earlier run left open could not be taken up: " + problem));
                    return Next.WAIT_FOR_CHANGE;
                }
                end(resource, recorder, MigrationPhase.FAILED, retry.get().reason(), "Failed: " + problem
                        + (problem.endsWith(".") ? "" : ".") + " Still so after " + PlanFactory.setupTimeout(resource.getSpec())
                        .toSeconds() + " s (spec.setupTimeoutSeconds); fix it, then delete and re-apply this SchemaMigration.");
                return Next.WAIT_FOR_CHANGE;
            }
            if (requests.paused() && !windowLeftOpen) {
                waitPaused(resource, recorder);
                return Next.WAIT_FOR_CHANGE;
            }
            if (retry.isPresent() && Instant.now().isBefore(retry.get().notBefore())) {
                return Next.RECHECK_SOON;
            }
            // read at every try: a Secret created after the resource, or a rotated password, is picked up
            DatabaseCredentials login = credentials.read(resource.getMetadata().getNamespace(), resource.getSpec().getDatabase());
            plan = PlanFactory.plan(resource.getSpec(), login, previous != null && previous.isRunning());
            plan = new MigrationPlan(plan.connection(), plan.schema(), plan.table(), plan.alter(),
                    plan.options().withDiagnosticsIncludeStatements(diagnosticsIncludeStatements));
        } catch (InvalidMigrationException e) {
            if (e.outsideTheResource() && !PlanFactory.setupTimeout(resource.getSpec()).isZero()) {
                StartRetry setup = runs.couldNotStart(uid, e.reason(), e.getMessage());
                if (windowLeftOpen) {
                    events.warning(resource, setup.reason(), setup.waitingMessage()); // Done and Ready stay as they are
                } else {
                    waitForSetup(resource, recorder, setup);
                }
                return Next.RECHECK_SOON;
            }
            runs.stopRetrying(uid);
            end(resource, recorder, MigrationPhase.FAILED, e.reason(), "Failed: " + e.getMessage());
            return Next.WAIT_FOR_CHANGE;
        }
        if (RevertRecovery.swapBackInterrupted(recorder.current())) {
            CutOverRecovery.Decision decision = RevertRecovery.decide(plan);
            if (decision instanceof CutOverRecovery.End ended) {
                runs.stopRetrying(uid);
                closeRevertWindow(resource, recorder, ended);
                return Next.WAIT_FOR_CHANGE;
            }
            if (decision instanceof CutOverRecovery.Retry retryLater) {
                waitForSetup(resource, recorder, runs.couldNotStart(uid, retryLater.reason(), retryLater.message()));
                return Next.RECHECK_SOON;
            }
        } else if (previous == MigrationPhase.CUT_OVER) {
            CutOverRecovery.Decision decision = CutOverRecovery.decide(plan);
            if (decision instanceof CutOverRecovery.End ended) {
                runs.stopRetrying(uid);
                if (ended.phase() == MigrationPhase.DONE) {
                    done(resource, recorder, ended.message());
                } else {
                    end(resource, recorder, ended.phase(), ended.reason(), ended.message());
                }
                return Next.WAIT_FOR_CHANGE;
            }
            if (decision instanceof CutOverRecovery.Retry retryLater) {
                waitForSetup(resource, recorder, runs.couldNotStart(uid, retryLater.reason(), retryLater.message()));
                return Next.RECHECK_SOON;
            }
        }
        boolean manual = PlanFactory.approval(resource.getSpec()) == Approval.MANUAL;
        SecretPassword password = new SecretPassword(credentials, resource.getMetadata().getNamespace(),
                resource.getSpec().getDatabase(), plan.connection().password(), Clock.systemUTC());
        StartOutcome outcome = runs.tryStart(resource.getMetadata().getUid(), TableKey.of(resource.getSpec()),
                MigrationFactory.of(resource, plan, password, manual, recorder, events, metrics));
        if (outcome instanceof StartOutcome.Started started) {
            if (windowLeftOpen) {
                events.normal(resource, "Restarted", "The operator restarted during the revert window; a new run keeps the"
                        + " old table in step again from the window's checkpoint (the Done message says so, or the window"
                        + " closes saying why not).");
            } else if (previous != null && previous.isRunning()) {
                events.normal(resource, "Restarted", "The operator restarted while this migration was " + previous
                        + "; it resumes from its checkpoint if the checkpoint is valid, and starts over otherwise (the message"
                        + " of the Copying phase says which, and why).");
            }
            recorder.update(status -> {
                status.setWaitingFor(null);
                Conditions.set(status, Conditions.PAUSED, false, "NotPaused", "The migration is not paused.");
            }, false);
            started.migration().steer(requests);
            return Next.WAIT_FOR_CHANGE;
        }
        if (outcome instanceof StartOutcome.RetryLater) {
            return Next.RECHECK_SOON; // the status already names the run that holds the table
        }
        if (outcome instanceof StartOutcome.ShuttingDown) {
            return Next.WAIT_FOR_CHANGE; // the operator that takes over starts it
        }
        if (outcome instanceof StartOutcome.TableBusy busy) {
            waitFor(resource, recorder, busy.aheadOf(), "Waiting for SchemaMigration " + busy.aheadOf()
                    + ", which is migrating the same table " + TableKey.of(resource.getSpec()) + ".");
        } else if (outcome instanceof StartOutcome.NoFreeSlot full) {
            waitFor(resource, recorder, null, "Waiting for a free runner: " + full.limit()
                    + " migrations are running, the most this operator runs at once.");
        }
        return Next.RECHECK_SOON;
    }

    /** The Event first, then the status: the window closed, Done, Reverted or Failed as the tables showed it. */
    private void closeRevertWindow(SchemaMigration resource, StatusRecorder recorder, CutOverRecovery.End ended) {
        MigrationPhase phase = ended.phase();
        if (phase == MigrationPhase.REVERTED) {
            events.normal(resource, ended.reason(), ended.message());
        } else {
            events.warning(resource, ended.reason(), ended.message());
        }
        recorder.update(status -> {
            if (status.getPhase() != phase) {
                PhaseStartTimes times = status.getPhaseStartTimes() == null ? new PhaseStartTimes() : status.getPhaseStartTimes();
                times.set(phase, Instant.now().toString());
                status.setPhaseStartTimes(times);
            }
            status.setPhase(phase);
            status.setStage(phase == MigrationPhase.DONE ? "done (revert window closed)"
                    : phase == MigrationPhase.REVERTED ? "reverted" : "failed");
            status.setMessage(ended.message());
            status.setCheckpoint(null);
            status.getRevert().setReversible(false);
            status.getRevert().setLagMillis(null);
            status.getRevert().setReason(ended.message());
            Conditions.set(status, Conditions.READY, phase == MigrationPhase.DONE,
                    phase == MigrationPhase.DONE ? "Done" : ended.reason(), ended.message());
        }, true);
    }

    /** The Event first, then the status: whoever sees the phase in the status finds its Event too. */
    private void accept(SchemaMigration resource, StatusRecorder recorder) {
        boolean automatic = resource.getSpec() != null && PlanFactory.approval(resource.getSpec()) == Approval.AUTOMATIC;
        events.normal(resource, MigrationPhase.PENDING.displayName(), "Accepted; waiting to start.");
        recorder.update(status -> {
            status.setPhase(MigrationPhase.PENDING);
            status.setStage("waiting to start");
            status.setMessage("Accepted; waiting to start.");
            PhaseStartTimes times = new PhaseStartTimes();
            times.set(MigrationPhase.PENDING, Instant.now().toString());
            status.setPhaseStartTimes(times);
            if (resource.getSpec() != null && resource.getSpec().getTable() != null) {
                HelperTables helpers = HelperTables.forTable(resource.getSpec().getTable());
                status.setHelperTables(new HelperTableNames(helpers.ghost(), helpers.changelog(), helpers.old(),
                        helpers.checkpoint()));
            }
            Conditions.set(status, Conditions.READY, false, "Pending", "The migration has not started yet.");
            if (automatic) {
                Conditions.set(status, Conditions.CUT_OVER_APPROVED, true, "Automatic",
                        "spec.cutOver.approval is Automatic: the cut-over follows as soon as the copy has caught up.");
            } else {
                Conditions.set(status, Conditions.CUT_OVER_APPROVED, false, "AwaitingApproval",
                        "Set the annotation " + Annotations.APPROVE_CUT_OVER + ": \"true\" to allow the cut-over.");
            }
        }, true);
    }

    /** The problem is in the status and an Event (aggregated over the retries), and the Ready condition's reason names it. */
    private void waitForSetup(SchemaMigration resource, StatusRecorder recorder, StartRetry retry) {
        String message = retry.waitingMessage();
        events.warning(resource, retry.reason(), message);
        recorder.update(status -> {
            status.setStage("waiting for its Secret or database");
            status.setMessage(message);
            status.setWaitingFor(null);
            Conditions.set(status, Conditions.READY, false, retry.reason(), message);
        }, true);
    }

    private void waitPaused(SchemaMigration resource, StatusRecorder recorder) {
        if (!Conditions.isTrue(recorder.current(), Conditions.PAUSED)) {
            events.normal(resource, "Paused", "Paused before it started (the annotation " + Annotations.PAUSED + ").");
        }
        recorder.update(status -> {
            status.setStage("paused before start");
            status.setMessage("Paused before it started (the annotation " + Annotations.PAUSED + "); remove it to start.");
            Conditions.set(status, Conditions.PAUSED, true, "PausedByAnnotation",
                    "The annotation " + Annotations.PAUSED + " holds the migration; remove it to start.");
        }, true);
    }

    private void waitFor(SchemaMigration resource, StatusRecorder recorder, String aheadOf, String message) {
        // the Event first: whoever sees waitingFor in the status finds the Event too
        if (!Objects.equals(recorder.current().getMessage(), message)) {
            events.normal(resource, "Waiting", message);
        }
        recorder.update(status -> {
            status.setStage("waiting");
            status.setMessage(message);
            status.setWaitingFor(aheadOf);
        }, true);
    }

    /** Done without a run of this operator: the Event first, then the status. */
    private void done(SchemaMigration resource, StatusRecorder recorder, String message) {
        events.normal(resource, MigrationPhase.DONE.displayName(), message);
        recorder.update(status -> {
            status.setPhase(MigrationPhase.DONE);
            status.setStage("done (online copy)");
            status.setMessage(message);
            status.setWaitingFor(null);
            status.setCheckpoint(null);
            PhaseStartTimes times = status.getPhaseStartTimes() == null ? new PhaseStartTimes() : status.getPhaseStartTimes();
            times.set(MigrationPhase.DONE, Instant.now().toString());
            status.setPhaseStartTimes(times);
            Conditions.set(status, Conditions.READY, true, "Done", message);
        }, true);
    }

    /** The Event first, then the status. */
    private void end(SchemaMigration resource, StatusRecorder recorder, MigrationPhase phase, String reason, String message) {
        if (phase == MigrationPhase.FAILED) {
            events.warning(resource, reason, message);
        } else {
            events.normal(resource, reason, message);
        }
        recorder.update(status -> {
            status.setPhase(phase);
            status.setStage(phase == MigrationPhase.ABORTED ? "aborted" : "failed");
            status.setMessage(message);
            status.setWaitingFor(null);
            PhaseStartTimes times = status.getPhaseStartTimes() == null ? new PhaseStartTimes() : status.getPhaseStartTimes();
            times.set(phase, Instant.now().toString());
            status.setPhaseStartTimes(times);
            Conditions.set(status, Conditions.READY, false, reason, message);
        }, true);
    }
}
