package dev.umbra.operator.reconcile;

import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.operator.logging.MigrationMdc;
import dev.umbra.operator.metrics.MigrationMetrics;
import dev.umbra.operator.model.ControlRequests;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.runner.ActiveMigration;
import dev.umbra.operator.runner.LeftoverHelperTables;
import dev.umbra.operator.runner.MigrationRuns;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.RevertRefusal;
import dev.umbra.operator.status.StatusRecorder;
import dev.umbra.operator.status.StatusRecorders;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SchemaMigration controller. Thin: it steers a running migration with the annotations (a Done
 * one too while its revert window keeps its run going), starts one that is not running (or keeps it
 * Pending), never runs a Done, Reverted, Failed or Aborted one again, and on deletion aborts the run
 * and drops its helper tables before the finalizer goes. Status is written
 * only through the resource's {@link StatusRecorder}.
 *
 * <p>Generation-aware filtering is off: the annotations that steer a migration change metadata only.
 */
@ControllerConfiguration(name = SchemaMigrationReconciler.NAME, finalizerName = SchemaMigrationReconciler.FINALIZER,
        generationAwareEventProcessing = false)
public class SchemaMigrationReconciler implements Reconciler<SchemaMigration>, Cleaner<SchemaMigration> {

    public static final String NAME = "schemamigration";
    public static final String FINALIZER = "umbra.dev/finalizer";
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrationReconciler.class);
    private static final long CLEANUP_RECHECK_MILLIS = 500;

    private final MigrationRuns runs;
    private final StatusRecorders recorders;
    private final Credentials credentials;
    private final Events events;
    private final MigrationStarter starter;
    private final Duration recheck;
    private final MigrationMetrics metrics;

    public SchemaMigrationReconciler(MigrationRuns runs, StatusRecorders recorders, Credentials credentials, Events events,
                                     Duration recheck, MigrationMetrics metrics, boolean diagnosticsIncludeStatements) {
        this.runs = runs;
        this.recorders = recorders;
        this.credentials = credentials;
        this.events = events;
        this.starter = new MigrationStarter(runs, credentials, events, metrics, diagnosticsIncludeStatements);
        this.recheck = recheck;
        this.metrics = metrics;
    }

    @Override
    public UpdateControl<SchemaMigration> reconcile(SchemaMigration resource, Context<SchemaMigration> context) {
        try (MigrationMdc ignored = MigrationMdc.of(resource)) {
            return reconcileUnderMdc(resource);
        }
    }

    private UpdateControl<SchemaMigration> reconcileUnderMdc(SchemaMigration resource) {
        StatusRecorder recorder = recorders.forResource(resource);
        String uid = resource.getMetadata().getUid();
        ControlRequests requests = ControlRequests.of(resource);
        Optional<ActiveMigration> active = runs.active(uid);
        if (active.isPresent()) {
            active.get().steer(requests);
            // Looked at again while it runs: a run that ends without being able to start (its database
            // unreachable, its table locked elsewhere) is retried from here, whether or not its last
            // status write changed anything (an unchanged status raises no event).
            return UpdateControl.<SchemaMigration>noUpdate().rescheduleAfter(recheck);
        }
        MigrationPhase phase = recorder.phase();
        // Done with a revert window no run of this process keeps: an earlier operator's, which a new run takes up
        boolean windowLeftOpen = RevertRecovery.windowLeftOpen(recorder.current());
        if ((phase != null && phase.isFinal() && !windowLeftOpen) || runs.hasEnded(uid)) {
            if (requests.revert()) {
                answerRevertWithoutRun(resource, recorder);
            }
            return UpdateControl.noUpdate(); // Done, Reverted, Failed and Aborted never run again
        }
        MigrationStarter.Next next = starter.startOrWait(resource, recorder, requests);
        return next == MigrationStarter.Next.RECHECK_SOON
                ? UpdateControl.<SchemaMigration>noUpdate().rescheduleAfter(recheck) : UpdateControl.noUpdate();
    }

    /**
     * The revert annotation on a migration with no run to make a revert (its window closed, or none
     * opened): says why nothing happens, once for each reason, not at every reconcile.
     */
    private void answerRevertWithoutRun(SchemaMigration resource, StatusRecorder recorder) {
        SchemaMigrationStatus status = recorder.current();
        RevertRefusal.of(status, PlanFactory.revert(resource.getSpec()))
                .filter(refusal -> !refusal.alreadyStated(status))
                .ifPresent(refusal -> refusal.record(resource, events, recorder));
    }

    @Override
    public DeleteControl cleanup(SchemaMigration resource, Context<SchemaMigration> context) {
        try (MigrationMdc ignored = MigrationMdc.of(resource)) {
            return cleanupUnderMdc(resource);
        }
    }

    private DeleteControl cleanupUnderMdc(SchemaMigration resource) {
        String uid = resource.getMetadata().getUid();
        Optional<ActiveMigration> active = runs.active(uid);
        if (active.isPresent()) {
            active.get().abortForDeletion();
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RECHECK_MILLIS);
        }
        StatusRecorder recorder = recorders.forResource(resource);
        MigrationPhase phase = recorder.phase();
        // a revert window an earlier operator left open has its changelog and checkpoint too (the old table stays)
        boolean interrupted = (phase != null && phase.isRunning()) || RevertRecovery.windowLeftOpen(recorder.current());
        if (interrupted && !runs.hasEnded(uid)) {
            dropLeftovers(resource, phase == MigrationPhase.REVERTING);
        }
        recorders.forget(resource);
        runs.forget(uid);
        metrics.forget(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }

    /**
     * A run this process does not know was interrupted by an operator restart: its helper tables may
     * remain (a run stopped in its revert window leaves them for the next run to take the window up).
     */
    private void dropLeftovers(SchemaMigration resource, boolean reverting) {
        try {
            DatabaseCredentials login = credentials.read(resource.getMetadata().getNamespace(), resource.getSpec().getDatabase());
            HelperTables helpers = HelperTables.forTable(resource.getSpec().getTable());
            if (LeftoverHelperTables.drop(PlanFactory.plan(resource.getSpec(), login, true), reverting)) {
                events.normal(resource, "HelperTablesDropped", "The helper tables of the interrupted run were dropped.");
            } else {
                events.warning(resource, "HelperTablesLeft", "The changelog and checkpoint of the interrupted run were"
                        + " dropped; `" + helpers.ghost() + "` was left, as it may hold rows no other table has (a revert's"
                        + " swap back, or a two-step rename that stopped half way): check it, then drop it by hand.");
            }
        } catch (TableInUseException e) {
            events.normal(resource, "HelperTablesLeft", "The helper tables were left alone: " + e.getMessage());
        } catch (Exception e) {
            log.warn("Could not drop the helper tables of SchemaMigration {}/{}: {}", resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName(), e.getMessage());
            events.warning(resource, "HelperTablesLeft", "The helper tables of the interrupted run could not be dropped ("
                    + e.getMessage() + "); drop them by hand.");
        }
    }
}
