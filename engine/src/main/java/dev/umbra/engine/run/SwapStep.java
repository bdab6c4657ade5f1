package dev.umbra.engine.run;

import dev.umbra.engine.apply.CatchUpBeforeLock;
import dev.umbra.engine.cutover.CutOver;
import dev.umbra.engine.cutover.CutOverAttemptException;
import dev.umbra.engine.cutover.CutOverContext;
import dev.umbra.engine.cutover.OriginalRenamedException;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.cutover.SingleSessionCutOver;
import dev.umbra.engine.cutover.TwoSessionCutOver;
import dev.umbra.engine.cutover.TwoStepCutOver;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.sql.LockingSessions;
import dev.umbra.engine.sql.TransientErrors;
import dev.umbra.engine.throttle.Hold;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CutOver of an online copy: attempts the swap until one succeeds or the attempts run out. Before
 * each attempt nothing may hold work (abort, failed worker, pause, throttle, the schedule), rows
 * held back by a collision are settled, and the applier must have caught up without a lock; a
 * failed attempt leaves the original serving and the next follows with backoff. An attempt that
 * left the original renamed away ends the run at once.
 */
final class SwapStep implements RunStep {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    @Override
    public Next run(MigrationSession session) throws Exception {
        session.tracker.enter(Phase.CUT_OVER, "swapping tables");
        session.ownership.watchHelpers(false); // the swap renames them
        swap(session, method(session), context(session), true);
        return Next.GO_ON;
    }

    static CutOver method(MigrationSession session) {
        return session.hooks.cutOverMethod().orElseGet(() -> session.options.cutOverMethod() == CutOverMethod.TWO_STEP
                ? new TwoStepCutOver()
                : session.inspection.server().renamesUnderLockTables() ? new SingleSessionCutOver() : new TwoSessionCutOver());
    }

    private static CutOverContext context(MigrationSession session) {
        Inspection inspection = session.inspection;
        BinlogPipeline pipeline = session.pipeline;
        return new CutOverContext(session.plan.tableName(), inspection.helpers().ghost(),
                inspection.helpers().old(), pipeline.changelog(), session.connections, pipeline.applyLoop(),
                session.options.cutOverLockTimeout(), inspection.alter().explicitAutoIncrement().isEmpty(),
                pipeline.cascadingParents(), () -> session.gate.holdNow().map(Hold::reason), session.hooks.cutOver(),
                session.options.diagnostics(), false);
    }

    /**
     * Attempts the swap {@code context} describes (the cut-over, or a revert) until one succeeds or
     * the attempts run out.
     *
     * @param scheduled whether attempts wait for the cut-over's schedule (a revert does not)
     */
    static void swap(MigrationSession session, CutOver method, CutOverContext context, boolean scheduled) throws Exception {
        RunState state = session.state;
        WorkGate gate = session.gate;
        int maxAttempts = session.options.cutOverMaxAttempts();
        CutOverAttemptException last = null;
        int lockTimeouts = 0;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            gate.check();
            session.settleConflicts(); // a collision found while draining under the lock failed the last attempt
            for (boolean announced = false; gate.holdForThrottle() || (scheduled && session.schedule.waitWhileClosed());
                    announced = true) {
                if (!announced) {
                    session.tracker.publish(); // say why the next attempt waits
                }
                session.control.checkNotAborted(); // an attempt is only made while nothing holds work
            }
            state.cutOverAttempts = attempt;
            state.stage = "attempt " + attempt + " of " + maxAttempts;
            try {
                catchUp(session, context, attempt);
                state.lastLockTime = method.attempt(context);
                return;
            } catch (OriginalRenamedException e) {
                throw new MigrationFailedException(FailureKind.ORIGINAL_RENAMED, "OriginalRenamed: " + e.getMessage(), e);
            } catch (CutOverAttemptException e) {
                last = e;
                if (e.getCause() instanceof SQLException cause && TransientErrors.isLockWaitTimeout(cause)
                        && ++lockTimeouts == LockingSessions.READ_LOCK_TIMEOUTS_BEFORE_WRITE_LOCK
                        && !context.cascadingParents().isEmpty()) {
                    // A read lock waited for lets the parents' new writers pass: under a parent never
                    // free of a write transaction it is never granted (as the checksum's point found).
                    context = context.withParentsLockedForWriting();
                    log.warn("Cut-over of `{}`: {} attempts could not lock the tables in time; the next attempts lock the"
                            + " cascading parents {} for writing, so that their new writers wait behind the lock",
                            context.original(), lockTimeouts, context.cascadingParents());
                }
                state.message = "Cut-over attempt " + attempt + " failed: " + e.getMessage() + "; the original table is serving.";
                log.warn(state.message);
                session.tracker.publish();
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
    private static void catchUp(MigrationSession session, CutOverContext context, int attempt) throws Exception {
        RunState state = session.state;
        String stage = state.stage;
        try {
            CatchUpBeforeLock.await(context.changelog(), context.connections(), context.applyLoop(), context.lockTimeout(),
                    "the cut-over of `" + context.original() + "`", new CatchUpBeforeLock.Waiting() {
                        @Override
                        public void checkpoint() throws Exception {
                            session.gate.awaitWorkMayGoOn();
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
