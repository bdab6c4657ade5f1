package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.sql.LockingSessions;
import dev.umbra.engine.trigger.TriggerMove;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * The non-atomic cut-over: under a write lock the original is renamed away, then the ghost is
 * renamed into place. Between the two, the table does not exist and writers fail with "Table
 * doesn't exist". Offered only as an option for setups where the atomic form cannot work. The
 * original's triggers move to the ghost before the first rename, while the lock is held.
 */
public final class TwoStepCutOver implements CutOver {

    @Override
    public Duration attempt(CutOverContext context) throws CutOverAttemptException, InterruptedException {
        Connection lock = null;
        AttemptTriggers triggers = new AttemptTriggers(context);
        try (Connection control = context.connections().open()) {
            lock = context.connections().open();
            LockingSessions.boundWaits(lock, context.lockTimeout());
            CutOverSql.lockTables(lock, context, context.qualifiedOriginal() + " WRITE");
            long lockedAt = System.nanoTime();
            context.checkNotThrottled();
            String marker = "cut-over-" + UUID.randomUUID();
            context.changelog().writeMarker(control, marker);
            if (!context.applyLoop().awaitMarker(marker, context.lockTimeout())) {
                throw new CutOverAttemptException("the binlog changes up to the lock were not all applied within "
                        + context.lockTimeout().toSeconds() + " s");
            }
            try (ApplyLoop.TakeOver takeOver = context.applyLoop().takeOver(context.lockTimeout())
                    .orElseThrow(() -> new CutOverAttemptException("the binlog applier did not pause within "
                            + context.lockTimeout().toSeconds() + " s"))) {
                if (context.carryAutoIncrement()) {
                    CutOverSql.carryAutoIncrement(control, context);
                }
                try {
                    triggers.moveToGhost(lock, control);
                    context.reached(CutOverStep.TRIGGERS_MOVED, new CutOverHook.Sessions(lock, control));
                } catch (SQLException | CutOverAttemptException e) {
                    CutOverAttemptException failure = e instanceof CutOverAttemptException attempt ? attempt
                            : new CutOverAttemptException(e.getMessage(), e);
                    throw failure.adding(triggers.putBack(lock, control));
                }
                CutOverSql.execute(lock, "ALTER TABLE " + context.qualifiedOriginal() + " RENAME TO " + context.qualifiedOld());
                CutOverSql.execute(lock, "UNLOCK TABLES");
                try {
                    CutOverSql.execute(control, "RENAME TABLE " + context.qualifiedGhost() + " TO " + context.qualifiedOriginal());
                } catch (SQLException e) {
                    // Put the original back, with its triggers, rather than leave no table under its name.
                    TriggerMove.of(control, context.schema(), context.ghost(), context.old()).run(control, control);
                    CutOverSql.execute(control, "RENAME TABLE " + context.qualifiedOld() + " TO " + context.qualifiedOriginal());
                    throw e;
                }
                triggers.swapped();
                takeOver.finishApplying();
                return Duration.ofNanos(System.nanoTime() - lockedAt);
            }
        } catch (SQLException e) {
            throw new CutOverAttemptException(e.getMessage(), e);
        } finally {
            CutOverSql.closeQuietly(lock);
        }
    }
}
