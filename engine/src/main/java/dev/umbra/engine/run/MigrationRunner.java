package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyCounts;
import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.failure.ServerUnreachableException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.inspect.Inspector;
import dev.umbra.engine.owner.TableOwnership;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.PasswordSource;
import dev.umbra.engine.sql.ServerIdentity;
import dev.umbra.engine.throttle.Throttler;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs one migration through its phases: Inspecting, Copying, AwaitingCutOver, CutOver, Done (and,
 * within a revert window, Reverted).
 * After inspection and ownership, an ordered list of steps runs (see {@link #STEPS}), each asking
 * the same gate and sharing one {@link MigrationSession}. Any failure or abort ends in Failed or
 * Aborted with the original table untouched and the helper tables dropped. Progress goes to the
 * listener; control calls come through {@link #control()}.
 */
public final class MigrationRunner {

    /** The steps after inspection, in order: the instant path may end the run at its first. */
    private static final List<Supplier<RunStep>> STEPS = List.of(InstantStep::new, StreamStep::new, CopyStep::new,
            VerifyStep::new, AwaitCutOverStep::new, SwapStep::new, RevertWindowStep::new);

    private final MigrationSession session;
    private final PlanStage plans;

    public MigrationRunner(MigrationPlan plan, ProgressListener listener) {
        this.session = new MigrationSession(plan, listener);
        this.plans = new PlanStage(plan, session.connections, this::openOrFail, session.state, session.tracker, session.control);
    }

    public MigrationControl control() {
        return session.control;
    }

    /** While this says true, the cut-over waits (the CLI's --postpone-cut-over-flag-file). */
    public void setCutOverPostponed(BooleanSupplier postponed) {
        session.cutOverPostponed = postponed;
    }

    /** Within the revert window, a revert is made once this says true (the CLI's --revert-flag-file). */
    public void setRevertRequested(BooleanSupplier requested) {
        session.revertRequested = requested;
    }

    /**
     * This run is to take up a revert window an earlier run of the migration left open (the operator
     * found it Done with the window open): if the server holds no such window any more, it is refused
     * and changes nothing, instead of migrating the table again.
     */
    public void onlyResumeRevertWindow() {
        session.revertWindowOnly = true;
    }

    /** How long the old table is kept in step after the cut-over; zero for no revert window. */
    public java.time.Duration revertWindow() {
        return session.options.revert().window();
    }

    /** The load and replica-lag throttle of {@link MigrationOptions#throttle()}. */
    public Throttler throttler() {
        return session.throttler;
    }

    /** A reason to hold copy and apply, if any (the CLI's --throttle-flag-file). */
    public void setExternalThrottle(Supplier<Optional<String>> throttle) {
        session.gate.setExternalThrottle(throttle);
    }

    /**
     * Runs extra statements in every session the engine opens. Tests use it to give the sessions
     * other {@code pseudo_thread_id}s, as ProxySQL's multiplexing effectively does.
     */
    public void setSessionInitializer(Connections.SessionInitializer initializer) {
        session.connections.setSessionInitializer(initializer);
    }

    /**
     * Where every session of the run (the throttle's and the binlog stream's too) gets the password
     * when it logs in: the operator reads the Secret again, so a rotated password is picked up at
     * the next reconnect. The plan's own password by default.
     */
    public void setPasswordSource(PasswordSource source) {
        session.passwordSource = source;
        session.connections.setPasswordSource(source);
        session.throttler.setPasswordSource(source);
    }

    /** Where tests hold the run, watch its cut-over or swap their own way (see {@link RunHooks}). */
    RunHooks hooks() {
        return session.hooks;
    }

    /**
     * For tests only: stops the run at its next check as a killed process would, with no clean-up
     * at all: helper tables, checkpoint and server sessions are left as they are (the sessions are
     * closed, as the server would see them close when a process dies).
     */
    void simulateCrash() {
        session.crashed = true;
        session.control.abort("simulated crash");
    }

    /** The latest snapshot. */
    public Progress progress() {
        return session.snapshot();
    }

    /** What the binlog applier has done so far (before the cut-over; the revert window's stream back aside). */
    public ApplyCounts applyCounts() {
        BinlogPipeline binlog = session.pipeline;
        ApplyLoop loop = binlog == null ? null : binlog.applyLoop();
        return loop == null ? ApplyCounts.NONE : loop.counts();
    }

    /**
     * Runs the migration to the end.
     *
     * @throws MigrationRefusedException inspection refused; nothing was created
     * @throws MigrationAbortedException aborted through {@link MigrationControl#abort()}
     * @throws MigrationFailedException  anything else; the original is intact
     */
    public Progress run() throws MigrationRefusedException, MigrationFailedException, MigrationAbortedException {
        RunTracker tracker = session.tracker;
        tracker.enter(Phase.INSPECTING, "checking server, grants, table and ALTER");
        RunPlan approved = session.options.planApprovalRequired() ? awaitPlanApproval() : null;
        try (Connection connection = openOrFail()) {
            ServerIdentity server = ServerIdentity.read(connection);
            try {
                session.inspection = new Inspector(session.plan, false, session.revertWindowOnly).inspect(connection);
            } catch (MigrationRefusedException e) {
                tracker.fail(FailureKinds.of(e), "Refused: " + e.getMessage());
                throw e;
            }
            session.state.rowsEstimated = session.inspection.estimatedRows();
            session.state.resumeNote = session.inspection.resume().note().orElse(null);
            try {
                own(connection, server);
                plans.settle(session.inspection, approved);
                // A revert window left open by an earlier run: the table is migrated already.
                List<Supplier<RunStep>> steps = session.inspection.resumesRevertWindow() ? List.of(RevertWindowStep::new) : STEPS;
                for (Supplier<RunStep> step : steps) {
                    if (step.get().run(session) == RunStep.Next.RUN_DONE) {
                        return session.snapshot();
                    }
                }
            } catch (MigrationAbortedException e) {
                throw aborted(e);
            } catch (Exception e) {
                throw failed(e);
            }
            end().done(session.ownership, session.inspection, session.checkpointer);
            return session.snapshot();
        } catch (SQLException e) {
            tracker.fail(FailureKind.OTHER, "Failed: " + describe(e));
            throw new MigrationFailedException(FailureKind.OTHER, describe(e), e);
        } finally {
            session.stopBackground();
            if (session.ownership != null) {
                session.ownership.close();
            }
            session.connections.close();
        }
    }

    /** Waits for the plan's approval; a run that ends before it has created nothing. */
    private RunPlan awaitPlanApproval() throws MigrationRefusedException, MigrationFailedException, MigrationAbortedException {
        try {
            RunPlan approved = plans.awaitApproval();
            session.tracker.enter(Phase.INSPECTING, "plan approved: checking server, grants, table and ALTER again");
            return approved;
        } catch (MigrationAbortedException e) {
            session.tracker.end(Phase.ABORTED, "Aborted (" + e.getMessage() + ") before the plan was approved; nothing was created.");
            session.connections.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.tracker.end(Phase.ABORTED, "Aborted (interrupted) before the plan was approved; nothing was created.");
            session.connections.close();
            throw new MigrationAbortedException("interrupted");
        } catch (MigrationRefusedException | MigrationFailedException e) {
            session.connections.close();
            throw e;
        }
    }

    /** Makes the table this run's: the migration lock on inspection's session, guarding every other session. */
    private void own(Connection connection, ServerIdentity server) throws SQLException {
        session.connections.expectServer(server);
        session.ownership = new TableOwnership(session.connections, session.plan.tableName(),
                session.inspection.helpers(), connection, session.options.reconnectTimeout());
        session.connections.setSessionGuard(session.ownership::confirm);
        session.connections.requireWritableServer(true);
        session.background.watchOwnership(session.ownership, session.gate);
    }

    /** Leaves the run for a resume (a crash, a hand-over) or cleans up and says Aborted. */
    private MigrationAbortedException aborted(MigrationAbortedException e) {
        if (end().leftForResume(session.crashed, session.control.isHandOverRequested(), session.checkpointer, e)) {
            return e;
        }
        String helpers = end().cleanUp(session.inspection, session.ownership, session.checkpointer, e.getMessage());
        session.tracker.end(Phase.ABORTED, "Aborted (" + e.getMessage() + "); the original table is untouched and " + helpers + ".");
        return e;
    }

    /**
     * Cleans up and says Failed, or, when the original was left renamed away, drops nothing: a
     * person must put it back.
     */
    private MigrationFailedException failed(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String reason = e instanceof MigrationFailedException ? e.getMessage() : describe(e);
        FailureKind kind = FailureKinds.of(e);
        if (kind == FailureKind.ORIGINAL_RENAMED) {
            session.stopBackground();
            session.closeWorkers();
            session.tracker.fail(kind, "Failed: " + reason + ".");
        } else {
            String helpers = end().cleanUp(session.inspection, session.ownership, session.checkpointer, reason);
            session.tracker.fail(kind, "Failed: " + reason + ". The original table is untouched and " + helpers + ".");
        }
        return e instanceof MigrationFailedException failed ? failed : new MigrationFailedException(kind, reason, e);
    }

    /**
     * A dry run: inspects exactly as {@link #run()} does, then undoes what inspection created and
     * stops. Inspection has to create the ghost table and apply the ALTER to it (only the server knows
     * the exact new shape); this drops it again before returning, so afterwards the schema is as it
     * was. Nothing else is created: no changelog table, no binlog stream, no copy.
     *
     * <p>A dry run never drops tables it did not create: {@link MigrationOptions#dropStaleGhostTable()}
     * and {@link MigrationOptions#dropStaleOldTable()} are ignored, so stale helper tables are
     * refused as they would be without those options.
     *
     * <p>The listener sees Inspecting, and Failed if the migration is refused or inspection fails.
     * A runner is used once: for this or for {@link #run()}, not both.
     *
     * @return what inspection found (the plan: flavor, parsed ALTER, helper tables, key, columns)
     * @throws MigrationRefusedException inspection refused; nothing exists afterwards
     * @throws MigrationFailedException  the server could not be reached or queried
     */
    public Inspection inspectOnly() throws MigrationRefusedException, MigrationFailedException {
        session.tracker.enter(Phase.INSPECTING, "dry run: checking server, grants, table and ALTER");
        Inspection found = plans.inspectWithoutChanges(session.options.withDropStaleGhostTable(false).withDropStaleOldTable(false));
        session.state.stage = "dry run done";
        session.state.message = found.resumedCheckpoint().isPresent()
                ? "Dry run: inspection passed; an interrupted run of this migration left a valid checkpoint (saved at "
                        + found.resumedCheckpoint().get().savedAt() + "): a real run resumes from it. Nothing was changed."
                : "Dry run: inspection passed; nothing was changed.";
        session.tracker.publish();
        return found;
    }

    private Connection openOrFail() throws MigrationFailedException {
        try {
            return session.connections.open();
        } catch (SQLException e) {
            String reason = "cannot connect to " + session.plan.connection() + ": " + e.getMessage();
            session.tracker.fail(FailureKind.SERVER_UNREACHABLE, "Failed: " + reason);
            throw new ServerUnreachableException(reason, e);
        }
    }

    private RunEnd end() {
        return session.end();
    }

    private static String describe(Exception e) {
        return WorkGate.describe(e);
    }
}
