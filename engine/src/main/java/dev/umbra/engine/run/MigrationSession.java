package dev.umbra.engine.run;

import dev.umbra.engine.checkpoint.Checkpointer;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.owner.TableOwnership;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.PasswordSource;
import dev.umbra.engine.throttle.Throttler;
import dev.umbra.engine.unique.HeldRows;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the steps of one run share. From the start: the plan, the sessions to the server, the
 * state with its tracker, the gate each step asks, the control, the throttle, the background loops
 * and the test hooks. Made by the steps for later ones: the inspection, the table's ownership, the
 * binlog pipeline, the checkpointer and the copy. One run, one thread: only the fields the status
 * and the background loops read from other threads are volatile.
 */
final class MigrationSession {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    final MigrationPlan plan;
    final MigrationOptions options;
    final MigrationControl control = new MigrationControl();
    final Connections connections;
    final RunState state = new RunState();
    final Throttler throttler;
    final WorkGate gate;
    final BackgroundWork background;
    final ScheduleWait schedule;
    final RunTracker tracker;
    final RunHooks hooks = new RunHooks();
    final HeldRows heldRows = new HeldRows();

    /** While this says true, the cut-over waits (the CLI's --postpone-cut-over-flag-file). */
    volatile BooleanSupplier cutOverPostponed = () -> false;
    /** Within the revert window, a revert is made once this says true (besides {@link MigrationControl#requestRevert}). */
    volatile BooleanSupplier revertRequested = () -> false;
    /** Only keep a revert window an earlier run left open: refuse, changing nothing, where none is. */
    volatile boolean revertWindowOnly;
    /** Where every session of the run gets the password; the plan's own when null. */
    volatile PasswordSource passwordSource;
    /** Stops the run at its next check as a killed process would: nothing is cleaned up (tests only). */
    volatile boolean crashed;

    Inspection inspection;
    /** Proof that the table is this run's: every drop of a helper table goes through it. */
    TableOwnership ownership;
    /** The changelog, binlog stream and applier, once the run owns the table; null before. */
    volatile BinlogPipeline pipeline;
    volatile Checkpointer checkpointer;
    /** The copy, once it has begun: its chunk size also sizes the checksum's chunks. */
    CopyStep copy;

    MigrationSession(MigrationPlan plan, ProgressListener listener) {
        this.plan = plan;
        this.options = plan.options();
        this.connections = new Connections(plan.connection(), plan.schema());
        this.throttler = new Throttler(options.throttle(), plan.connection(), plan.schema(), control::abort);
        this.gate = new WorkGate(control, throttler, state);
        this.background = new BackgroundWork(plan.table());
        this.schedule = new ScheduleWait(options, state);
        this.tracker = new RunTracker(plan.tableName(), state, listener, this::snapshot, this::saveCheckpoint);
    }

    /** Holds the run where a test asked to (see {@link RunHooks#onPause}). */
    void pause(PausePoint point) throws MigrationFailedException, InterruptedException {
        try {
            hooks.pause().reached(point);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationFailedException(FailureKind.OTHER, "the pause hook at " + point + " failed: "
                    + WorkGate.describe(e), e);
        }
    }

    /** Writes the rows held back by unique-key collisions again (see {@link BinlogPipeline#settleHeldRows}). */
    void settleConflicts() throws MigrationFailedException, SQLException, InterruptedException {
        pipeline.settleHeldRows(state);
    }

    /** Saves the checkpoint while it can be resumed from: during the copy and while awaiting the cut-over. */
    void saveCheckpoint(Phase phase) {
        Checkpointer current = checkpointer;
        if (current != null && !crashed && (phase == Phase.COPYING || phase == Phase.AWAITING_CUT_OVER)) {
            try {
                current.save(phase.displayName());
            } catch (RuntimeException e) {
                log.warn("Saving the checkpoint failed: {}", WorkGate.describe(e));
            }
        }
    }

    /** How the run ends (done, reverted, failed, left for a resume), once the work is stopped. */
    RunEnd end() {
        return new RunEnd(plan, connections, state, tracker, () -> {
            stopBackground();
            closeWorkers();
        });
    }

    /** Stops the checksum beside the copy if it still runs, then the binlog stream and the applier. */
    void closeWorkers() {
        CopyStep copying = copy;
        if (copying != null) {
            copying.closeChecksumBehind();
        }
        BinlogPipeline binlog = pipeline;
        if (binlog != null) {
            binlog.close();
        }
    }

    /** Stops the heartbeat, status, checkpoint and ownership loops and the throttle's checks. */
    void stopBackground() {
        background.stop();
        throttler.close();
    }

    Progress snapshot() {
        Checkpointer saver = checkpointer;
        BinlogPipeline binlog = pipeline;
        return state.snapshot(binlog == null ? null : binlog.applyLoop(), saver == null ? Optional.empty() : saver.lastSaved(),
                throttler.replicaLags());
    }
}
