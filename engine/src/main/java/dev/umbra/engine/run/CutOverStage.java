package dev.umbra.engine.run;

import dev.umbra.engine.apply.CatchUpBeforeLock;
import dev.umbra.engine.cutover.CutOver;
import dev.umbra.engine.cutover.CutOverAttemptException;
import dev.umbra.engine.cutover.CutOverContext;
import dev.umbra.engine.cutover.OriginalRenamedException;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AwaitingCutOver and CutOver of an online copy. It waits for the approval, the schedule and the
 * applier, then attempts the swap until one succeeds or the attempts run out. Before each attempt
 * nothing may hold work (abort, failed worker, pause, throttle, the schedule), and the applier
 * must have caught up without a lock; a failed attempt leaves the original serving and the next
 * follows with backoff. An attempt that left the original renamed away ends the run at once.
 */
final class CutOverStage {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    /** What is done between attempts besides the gate: rows held back by a collision are settled. */
    @FunctionalInterface
    interface Between {
        void run() throws Exception;
    }

    private final MigrationOptions options;
    private final int maxAttempts;
    private final RunState state;
    private final RunTracker tracker;
    private final WorkGate gate;
    private final MigrationControl control;
    private final ScheduleWait schedule;
    private final BooleanSupplier postponed;

    /** @param postponed true while a flag file postpones the cut-over */
    CutOverStage(MigrationOptions options, RunState state, RunTracker tracker, WorkGate gate, MigrationControl control,
                 ScheduleWait schedule, BooleanSupplier postponed) {
        this.options = options;
        this.maxAttempts = options.cutOverMaxAttempts();
        this.state = state;
        this.tracker = tracker;
        this.gate = gate;
        this.control = control;
        this.schedule = schedule;
        this.postponed = postponed;
    }

    /**
     * AwaitingCutOver: returns once the cut-over is approved, not postponed, within its schedule,
     * not held, and the applier's backlog is under one batch.
     */
    void awaitGo(BinlogPipeline pipeline, Between between) throws Exception {
        tracker.enter(Phase.AWAITING_CUT_OVER, options.autoApproveCutOver() ? "catching up" : "waiting for approval");
        while (true) {
            gate.check();
            between.run();
            boolean approved = options.autoApproveCutOver() || control.isCutOverApproved();
            boolean flagged = postponed.getAsBoolean();
            Optional<String> scheduled = approved ? schedule.closed() : Optional.empty();
            state.stage = !approved ? "waiting for approval" : flagged ? "postponed by flag file"
                    : scheduled.map(reason -> "waiting for " + reason).orElse("catching up");
            if (approved && !flagged && scheduled.isEmpty() && !gate.holdForThrottle()
                    && pipeline.applyLoop().backlog() < options.applyBatchSize()) {
                return;
            }
            Thread.sleep(100);
        }
    }

    void swap(CutOver method, CutOverContext context, Between between) throws Exception {
        CutOverAttemptException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            gate.check();
            between.run(); // a collision found while draining under the lock failed the last attempt
            for (boolean announced = false; gate.holdForThrottle() || schedule.waitWhileClosed(); announced = true) {
                if (!announced) {
                    tracker.publish(); // say why the next attempt waits
                }
                control.checkNotAborted(); // an attempt is only made while nothing holds work
            }
            state.cutOverAttempts = attempt;
            state.stage = "attempt " + attempt + " of " + maxAttempts;
            try {
                catchUp(context, attempt);
                state.lastLockTime = method.attempt(context);
                return;
            } catch (OriginalRenamedException e) {
                throw new MigrationFailedException(FailureKind.ORIGINAL_RENAMED, "OriginalRenamed: " + e.getMessage(), e);
            } catch (CutOverAttemptException e) {
                last = e;
                state.message = "Cut-over attempt " + attempt + " failed: " + e.getMessage() + "; the original table is serving.";
                log.warn(state.message);
                tracker.publish();
                Thread.sleep(Math.min(10_000, 500L * attempt));
            }
        }
        throw new MigrationFailedException(FailureKind.CUT_OVER_FAILED, "cut-over failed " + maxAttempts
                + " times; last error: " + (last == null ? "none" : last.getMessage()), last);
    }

    /**
     * Before each attempt's lock, with no lock held: the applier must be caught up, or writers would
     * wait under the lock for a stream that is still reconnecting (after a lost server) or behind.
     * Waiting for it is not an attempt; a marker that cannot be written fails this attempt.
     */
    private void catchUp(CutOverContext context, int attempt) throws Exception {
        String stage = state.stage;
        try {
            CatchUpBeforeLock.await(context.changelog(), context.connections(), context.applyLoop(), context.lockTimeout(),
                    "the cut-over of `" + context.original() + "`", new CatchUpBeforeLock.Waiting() {
                        @Override
                        public void checkpoint() throws Exception {
                            gate.awaitWorkMayGoOn();
                        }

                        @Override
                        public void behind() {
                            state.stage = "before attempt " + attempt + ": waiting for the binlog applier to catch up";
                        }
                    });
        } catch (SQLException e) {
            throw new CutOverAttemptException("no marker could be written to the changelog before locking: " + e.getMessage(), e);
        } finally {
            state.stage = stage;
        }
    }
}
