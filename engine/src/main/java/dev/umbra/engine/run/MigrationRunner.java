package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.checkpoint.Checkpoint;
import dev.umbra.engine.checkpoint.CheckpointScope;
import dev.umbra.engine.checkpoint.Checkpointer;
import dev.umbra.engine.cutover.CutOver;
import dev.umbra.engine.cutover.CutOverContext;
import dev.umbra.engine.cutover.CutOverHook;
import dev.umbra.engine.cutover.SingleSessionCutOver;
import dev.umbra.engine.cutover.TwoSessionCutOver;
import dev.umbra.engine.cutover.TwoStepCutOver;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.failure.ServerUnreachableException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.inspect.Inspector;
import dev.umbra.engine.owner.TableOwnership;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.PasswordSource;
import dev.umbra.engine.sql.ServerIdentity;
import dev.umbra.engine.throttle.Hold;
import dev.umbra.engine.throttle.Throttler;
import dev.umbra.engine.unique.HeldRows;
import dev.umbra.engine.verify.TableVerifier;
import dev.umbra.engine.verify.VerifyContext;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one migration through its phases: Inspecting, Copying, AwaitingCutOver, CutOver, Done.
 * Any failure or abort ends in Failed or Aborted with the original table untouched and the helper
 * tables dropped. Progress goes to the listener; control calls come through {@link #control()}.
 */
public final class MigrationRunner {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
    private static final Duration STREAM_LIVE_TIMEOUT = Duration.ofSeconds(30);

    private final MigrationPlan plan;
    private final MigrationOptions options;
    private final ProgressListener listener;
    private final MigrationControl control = new MigrationControl();
    private final Connections connections;
    private final RunState state = new RunState();
    private final Throttler throttler;
    private final WorkGate gate;

    private BooleanSupplier cutOverPostponed = () -> false;
    private PauseHook pauseHook = PauseHook.NONE;
    private CutOverHook cutOverHook = CutOverHook.NONE;
    private CutOver cutOverOverride;
    private PasswordSource passwordSource;

    private Inspection inspection;
    /** Proof that the table is this run's: every drop of a helper table goes through it. */
    private TableOwnership ownership;
    private final HeldRows heldRows = new HeldRows();
    /** The changelog, binlog stream and applier, once the run owns the table; null before. */
    private volatile BinlogPipeline pipeline;
    private final BackgroundWork background;
    private final ScheduleWait schedule;
    private final RunTracker tracker;
    private final PlanStage plans;
    private Checkpointer checkpointer;
    /** The copy, once it has begun: its chunk size also sizes the checksum's chunks. */
    private CopyStage copyStage;
    private volatile boolean crashed;

    public MigrationRunner(MigrationPlan plan, ProgressListener listener) {
        this.plan = plan;
        this.options = plan.options();
        this.listener = listener;
        this.connections = new Connections(plan.connection(), plan.schema());
        this.throttler = new Throttler(options.throttle(), plan.connection(), plan.schema(), control::abort);
        this.gate = new WorkGate(control, throttler, state);
        this.background = new BackgroundWork(plan.table());
        this.schedule = new ScheduleWait(options, state);
        this.tracker = new RunTracker(plan.schema(), plan.table(), state, listener, this::snapshot, this::saveCheckpoint);
        this.plans = new PlanStage(plan, connections, this::openOrFail, state, tracker, control);
    }

    public MigrationControl control() {
        return control;
    }

    /** While this says true, the cut-over waits (the CLI's --postpone-cut-over-flag-file). */
    public void setCutOverPostponed(BooleanSupplier postponed) {
        this.cutOverPostponed = postponed;
    }

    /** The load and replica-lag throttle of {@link MigrationOptions#throttle()}. */
    public Throttler throttler() {
        return throttler;
    }

    /** A reason to hold copy and apply, if any (the CLI's --throttle-flag-file). */
    public void setExternalThrottle(Supplier<Optional<String>> throttle) {
        gate.setExternalThrottle(throttle);
    }

    /**
     * Runs extra statements in every session the engine opens. Tests use it to give the sessions
     * other {@code pseudo_thread_id}s, as ProxySQL's multiplexing effectively does.
     */
    public void setSessionInitializer(Connections.SessionInitializer initializer) {
        connections.setSessionInitializer(initializer);
    }

    /**
     * Where every session of the run (the throttle's and the binlog stream's too) gets the password
     * when it logs in: the operator reads the Secret again, so a rotated password is picked up at
     * the next reconnect. The plan's own password by default.
     */
    public void setPasswordSource(PasswordSource source) {
        this.passwordSource = source;
        connections.setPasswordSource(source);
        throttler.setPasswordSource(source);
    }

    /** For tests only: holds the runner at each {@link PausePoint} until the hook returns. */
    void setPauseHook(PauseHook hook) {
        this.pauseHook = hook;
    }

    /**
     * For tests only: stops the run at its next check as a killed process would, with no clean-up
     * at all: helper tables, checkpoint and server sessions are left as they are (the sessions are
     * closed, as the server would see them close when a process dies).
     */
    void simulateCrash() {
        crashed = true;
        control.abort("simulated crash");
    }

    /** For tests only: called by every cut-over attempt at each of its steps. */
    void setCutOverHook(CutOverHook hook) {
        this.cutOverHook = hook;
    }

    /** For tests only: swaps with this method instead of the one chosen for the server. */
    void useCutOver(CutOver method) {
        this.cutOverOverride = method;
    }

    /** The latest snapshot. */
    public Progress progress() {
        return snapshot();
    }

    /**
     * Runs the migration to the end.
     *
     * @throws MigrationRefusedException inspection refused; nothing was created
     * @throws MigrationAbortedException aborted through {@link MigrationControl#abort()}
     * @throws MigrationFailedException  anything else; the original is intact
     */
    public Progress run() throws MigrationRefusedException, MigrationFailedException, MigrationAbortedException {
        tracker.enter(Phase.INSPECTING, "checking server, grants, table and ALTER");
        RunPlan approved = null;
        if (options.planApprovalRequired()) {
            try {
                approved = plans.awaitApproval();
            } catch (MigrationAbortedException e) {
                tracker.end(Phase.ABORTED, "Aborted (" + e.getMessage() + ") before the plan was approved; nothing was created.");
                connections.close();
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tracker.end(Phase.ABORTED, "Aborted (interrupted) before the plan was approved; nothing was created.");
                connections.close();
                throw new MigrationAbortedException("interrupted");
            } catch (MigrationRefusedException | MigrationFailedException e) {
                connections.close();
                throw e;
            }
            tracker.enter(Phase.INSPECTING, "plan approved: checking server, grants, table and ALTER again");
        }
        try (Connection connection = openOrFail()) {
            ServerIdentity server = ServerIdentity.read(connection);
            try {
                inspection = new Inspector(plan).inspect(connection);
            } catch (MigrationRefusedException e) {
                tracker.fail(FailureKinds.of(e), "Refused: " + e.getMessage());
                throw e;
            }
            state.rowsEstimated = inspection.estimatedRows();
            state.resumeNote = inspection.resume().note().orElse(null);
            try {
                connections.expectServer(server);
                ownership = new TableOwnership(connections, plan.schema(), plan.table(), inspection.helpers(), connection,
                        options.reconnectTimeout());
                connections.setSessionGuard(ownership::confirm);
                connections.requireWritableServer(true);
                background.watchOwnership(ownership, gate);
                plans.settle(inspection, approved);
                InstantStage instant = new InstantStage(plan, inspection, connections, state, tracker, gate, control,
                        schedule, cutOverPostponed);
                if (state.plan.method() == RunPlan.Method.INSTANT && instant.alter()) {
                    instant.finish(ownership);
                    return snapshot();
                }
                prepare();
                copy();
                verify();
                cutOverStage().awaitGo(pipeline, this::settleConflicts);
                cutOver();
            } catch (MigrationAbortedException e) {
                if (end().leftForResume(crashed, control.isHandOverRequested(), checkpointer, e)) {
                    throw e;
                }
                String helpers = end().cleanUp(inspection, ownership, checkpointer, e.getMessage());
                tracker.end(Phase.ABORTED, "Aborted (" + e.getMessage() + "); the original table is untouched and " + helpers + ".");
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                String reason = e instanceof MigrationFailedException ? e.getMessage() : describe(e);
                FailureKind kind = FailureKinds.of(e);
                if (kind == FailureKind.ORIGINAL_RENAMED) {
                    stopBackground(); // and nothing dropped: the original is under another name, and a person must put it back
                    closeWorkers();
                    tracker.fail(kind, "Failed: " + reason + ".");
                    throw e instanceof MigrationFailedException failed ? failed : new MigrationFailedException(kind, reason, e);
                }
                String helpers = end().cleanUp(inspection, ownership, checkpointer, reason);
                tracker.fail(kind, "Failed: " + reason + ". The original table is untouched and " + helpers + ".");
                throw e instanceof MigrationFailedException failed ? failed : new MigrationFailedException(kind, reason, e);
            }
            end().done(ownership, inspection, checkpointer);
            return snapshot();
        } catch (SQLException e) {
            tracker.fail(FailureKind.OTHER, "Failed: " + describe(e));
            throw new MigrationFailedException(FailureKind.OTHER, describe(e), e);
        } finally {
            stopBackground();
            if (ownership != null) {
                ownership.close();
            }
            connections.close();
        }
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
        tracker.enter(Phase.INSPECTING, "dry run: checking server, grants, table and ALTER");
        Inspection found = plans.inspectWithoutChanges(options.withDropStaleGhostTable(false).withDropStaleOldTable(false));
        state.stage = "dry run done";
        state.message = found.resumedCheckpoint().isPresent()
                ? "Dry run: inspection passed; an interrupted run of this migration left a valid checkpoint (saved at "
                        + found.resumedCheckpoint().get().savedAt() + "): a real run resumes from it. Nothing was changed."
                : "Dry run: inspection passed; nothing was changed.";
        tracker.publish();
        return found;
    }

    private Connection openOrFail() throws MigrationFailedException {
        try {
            return connections.open();
        } catch (SQLException e) {
            String reason = "cannot connect to " + plan.connection() + ": " + e.getMessage();
            tracker.fail(FailureKind.SERVER_UNREACHABLE, "Failed: " + reason);
            throw new ServerUnreachableException(reason, e);
        }
    }

    /** On a session of its own: inspection's session is the lock's now, which the ownership watch pings from another thread. */
    private void prepare() throws SQLException, IOException, TimeoutException, InterruptedException, MigrationFailedException,
            MigrationAbortedException {
        try (Connection connection = connections.open()) {
            prepare(connection);
        }
    }

    private void prepare(Connection connection) throws SQLException, IOException, TimeoutException,
            InterruptedException, MigrationFailedException, MigrationAbortedException {
        BinlogPipeline binlog = new BinlogPipeline(plan, inspection, connections, heldRows);
        pipeline = binlog;
        Changelog changelog = binlog.changelog();
        Optional<Checkpoint> resumed = inspection.resumedCheckpoint();
        if (resumed.isEmpty()) {
            changelog.create(connection, ownership.runId());
        }
        ownership.claimHelpers(resumed.isEmpty());
        ownership.watchHelpers(true);
        throttler.start(changelog);
        BinlogPosition start = resumed.isPresent() ? resumed.get().appliedPosition()
                : BinlogPosition.current(connection, inspection.server());
        binlog.start(connection, start, passwordSource, () -> gate.holdNow().isPresent());
        ApplyLoop applyLoop = binlog.applyLoop();
        gate.watch(binlog.stream(), applyLoop);
        checkpointer = Checkpointer.begin(connection, connections, new CheckpointScope(plan.schema(), plan.table(),
                inspection.helpers(), inspection.server(), inspection.alter().clauseList()), inspection.resumedCheckpoint(),
                applyLoop, () -> !heldRows.isEmpty());
        state.rowsCopied = checkpointer.rowsCopied();
        state.rowsCopiedBefore = state.rowsCopied;
        background.startLoops(changelog, connections, options.throttle().heartbeatInterval(options.heartbeatInterval()),
                tracker::publish, options.statusInterval(), () -> saveCheckpoint(state.phase),
                options.checkpointInterval());
        String marker = "stream-live-" + UUID.randomUUID();
        changelog.writeMarker(connection, marker);
        state.stage = "proving the binlog stream live";
        // While paused or throttled the apply loop holds, so the marker cannot come back: the
        // timeout counts only time in which it could have.
        Instant deadline = Instant.now().plus(STREAM_LIVE_TIMEOUT);
        while (!applyLoop.awaitMarker(marker, Duration.ofMillis(200))) {
            gate.check();
            if (gate.held()) {
                deadline = Instant.now().plus(STREAM_LIVE_TIMEOUT);
            } else if (Instant.now().isAfter(deadline)) {
                throw new MigrationFailedException(FailureKind.BINLOG_LOST, "the binlog stream did not deliver Umbra's own marker row within "
                        + STREAM_LIVE_TIMEOUT.toSeconds() + " s; check that the user may read the binary log");
            }
        }
        gate.held();
    }

    private void copy() throws SQLException, MigrationAbortedException, MigrationFailedException, InterruptedException {
        tracker.enter(Phase.COPYING, "copying rows");
        copyStage = new CopyStage(plan, inspection, pipeline, checkpointer, connections, state, gate, this::pause,
                () -> saveCheckpoint(state.phase));
        copyStage.copy();
        settleConflicts();
    }

    /** Rows per checksum chunk: as the copy's chunks had grown (see {@link CopyStage#checksumChunkRows()}). */
    private int checksumChunkRows() {
        return copyStage == null ? options.chunkSize() : copyStage.checksumChunkRows();
    }

    /** The checksum before cut-over: the last stage of Copying (see {@link TableVerifier}). */
    private void verify() throws Exception {
        if (!options.verify()) {
            return;
        }
        pause(PausePoint.BEFORE_VERIFY);
        state.stage = "Verifying";
        tracker.publish();
        VerifyContext context = new VerifyContext(inspection.server(), plan.schema(), plan.table(), inspection.helpers().ghost(),
                inspection.mapping(), pipeline.changelog(), connections, pipeline.applyLoop(), pipeline.conflicts(), heldRows,
                pipeline.cascadingParents(), options.cutOverLockTimeout(),
                checksumChunkRows(), Math.max(state.rowsCopied, state.rowsEstimated),
                options.diagnostics());
        state.verification = new TableVerifier(context).verify(new TableVerifier.Observer() {
            @Override
            public void stage(String stage) {
                state.stage = stage;
            }

            @Override
            public void checkpoint() throws Exception {
                gate.awaitWorkMayGoOn();
            }

            @Override
            public void afterRepair() throws Exception {
                pause(PausePoint.AFTER_VERIFY_REPAIR);
            }
        });
        state.message = "Copying: " + TableVerifier.describe(state.verification);
        tracker.publish();
    }

    private void settleConflicts() throws MigrationFailedException, SQLException, InterruptedException {
        pipeline.settleHeldRows(state);
    }

    private void pause(PausePoint point) throws MigrationFailedException, InterruptedException {
        try {
            pauseHook.reached(point);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationFailedException(FailureKind.OTHER, "the pause hook at " + point + " failed: " + describe(e), e);
        }
    }

    /** True (after a short wait) while paused or throttled; the caller then checks again. */
    /** Apply attempts that lost a deadlock or lock wait so far (each was retried). */
    public long applyLoopLostLockContests() {
        BinlogPipeline binlog = pipeline;
        ApplyLoop loop = binlog == null ? null : binlog.applyLoop();
        return loop == null ? 0 : loop.lostLockContests();
    }


    private void cutOver() throws Exception {
        tracker.enter(Phase.CUT_OVER, "swapping tables");
        ownership.watchHelpers(false); // the swap renames them
        CutOver method = cutOverOverride != null ? cutOverOverride
                : options.cutOverMethod() == CutOverMethod.TWO_STEP ? new TwoStepCutOver()
                : inspection.server().renamesUnderLockTables() ? new SingleSessionCutOver() : new TwoSessionCutOver();
        CutOverContext context = new CutOverContext(plan.schema(), plan.table(), inspection.helpers().ghost(),
                inspection.helpers().old(), pipeline.changelog(), connections, pipeline.applyLoop(), options.cutOverLockTimeout(),
                inspection.alter().explicitAutoIncrement().isEmpty(), pipeline.cascadingParents(),
                () -> gate.holdNow().map(Hold::reason), cutOverHook, options.diagnostics());
        cutOverStage().swap(method, context, this::settleConflicts);
    }

    private CutOverStage cutOverStage() {
        return new CutOverStage(options, state, tracker, gate, control, schedule, cutOverPostponed);
    }

    private RunEnd end() {
        return new RunEnd(plan, connections, state, tracker, () -> {
            stopBackground();
            closeWorkers();
        });
    }

    /** Saves the checkpoint while it can be resumed from: during the copy and while awaiting the cut-over. */
    private void saveCheckpoint(Phase phase) {
        Checkpointer current = checkpointer;
        if (current != null && !crashed && (phase == Phase.COPYING || phase == Phase.AWAITING_CUT_OVER)) {
            try {
                current.save(phase.displayName());
            } catch (RuntimeException e) {
                log.warn("Saving the checkpoint failed: {}", describe(e));
            }
        }
    }

    private void closeWorkers() {
        BinlogPipeline binlog = pipeline;
        if (binlog != null) {
            binlog.close();
        }
    }

    private void stopBackground() {
        background.stop();
        throttler.close();
    }

    private Progress snapshot() {
        Checkpointer saver = checkpointer;
        BinlogPipeline binlog = pipeline;
        return state.snapshot(binlog == null ? null : binlog.applyLoop(), saver == null ? Optional.empty() : saver.lastSaved(), throttler.replicaLags());
    }

    private static String describe(Exception e) {
        return WorkGate.describe(e);
    }
}
