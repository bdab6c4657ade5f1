package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.sql.LockingSessions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * The non-atomic cut-over: under a write lock the original is renamed away, then the ghost is
 * renamed into place. Between the two, the table does not exist and writers fail with "Table
 * doesn't exist". Offered only as an option for setups where the atomic form cannot work. The
 * original's triggers and foreign keys leave it under the lock and are created on the ghost while
 * no table has the name.
 */
public final class TwoStepCutOver implements CutOver {

    @Override
    public Duration attempt(CutOverContext context) throws CutOverAttemptException, InterruptedException {
        Connection lock = null;
        AttemptRelations relations = new AttemptRelations(context);
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
                    relations.detach(lock);
                    context.reached(CutOverStep.RELATIONS_MOVED, new CutOverHook.Sessions(lock, control));
                } catch (SQLException | CutOverAttemptException e) {
                    CutOverAttemptException failure = e instanceof CutOverAttemptException attempt ? attempt
                            : new CutOverAttemptException(e.getMessage(), e);
                    throw failure.adding(relations.putBack(lock, control));
                }
                CutOverSql.execute(lock, "ALTER TABLE " + context.qualifiedOriginal() + " RENAME TO " + context.qualifiedOld());
                CutOverSql.execute(lock, "UNLOCK TABLES");
                try {
                    // Only now: on MySQL 8 a foreign key's DDL waits for the lock on the original.
                    relations.attach(control);
                    CutOverSql.execute(control, "RENAME TABLE " + context.qualifiedGhost() + " TO " + context.qualifiedOriginal());
                } catch (SQLException e) {
                    // Put the original back, then its triggers and foreign keys, rather than leave no table under its name.
                    CutOverSql.execute(control, "RENAME TABLE " + context.qualifiedOld() + " TO " + context.qualifiedOriginal());
                    throw new CutOverAttemptException("the new table could not be put in place (" + e.getMessage()
                            + "); the original was renamed back", e).adding(relations.putBack(control, control));
                }
                relations.swapped();
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
