package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * The atomic cut-over for servers that rename tables the same session holds under LOCK TABLES
 * (MySQL 8.0.13 and later). One session locks the original and the ghost, applies the last binlog
 * changes itself (it holds the ghost's lock), and swaps both names in one RENAME. No other
 * session is involved, so nothing depends on finding sessions in the processlist.
 */
public final class SingleSessionCutOver implements CutOver {

    @Override
    public Duration attempt(CutOverContext context) throws CutOverAttemptException, InterruptedException {
        Connection lock = null;
        long lockedAt = 0;
        try {
            lock = context.connections().open();
            CutOverSql.boundLockWaits(lock, context.lockTimeout());
            ApplyLoop.TakeOver takeOver = context.applyLoop().takeOver(context.lockTimeout())
                    .orElseThrow(() -> new CutOverAttemptException("the binlog applier did not pause within "
                            + context.lockTimeout().toSeconds() + " s"));
            // The apply thread must not be mid-batch on the ghost table when we lock it, nor wait on it after.
            try (takeOver; Connection control = context.connections().open()) {
                String marker = "cut-over-" + UUID.randomUUID();
                CutOverSql.execute(lock, "LOCK TABLES " + context.qualifiedOriginal() + " WRITE, " + context.qualifiedGhost() + " WRITE");
                lockedAt = System.nanoTime();
                context.changelog().writeMarker(control, marker);
                if (!context.applyLoop().drainUntilMarker(lock, marker, context.lockTimeout())) {
                    throw new CutOverAttemptException("the binlog changes up to the lock were not all applied within "
                            + context.lockTimeout().toSeconds() + " s");
                }
                if (context.carryAutoIncrement()) {
                    CutOverSql.carryAutoIncrement(lock, context);
                }
                CutOverSql.execute(lock, "RENAME TABLE " + context.qualifiedOriginal() + " TO " + context.qualifiedOld()
                        + ", " + context.qualifiedGhost() + " TO " + context.qualifiedOriginal());
                takeOver.finishApplying();
                CutOverSql.execute(lock, "UNLOCK TABLES");
                return Duration.ofNanos(System.nanoTime() - lockedAt);
            }
        } catch (SQLException e) {
            throw new CutOverAttemptException(e.getMessage(), e);
        } finally {
            CutOverSql.closeQuietly(lock); // releases the locks if anything above failed
        }
    }
}
