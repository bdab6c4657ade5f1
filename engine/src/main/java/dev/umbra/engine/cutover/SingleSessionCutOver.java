package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.sql.LockingSessions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The atomic cut-over for servers that rename tables the same session holds under LOCK TABLES
 * (MySQL 8.0.13 and later). One session locks the original and the ghost, applies the last binlog
 * changes itself (it holds the ghost's lock), moves the original's triggers to the ghost (see
 * {@link AttemptRelations}), and swaps both names in one RENAME. No other
 * session is involved, so nothing depends on finding sessions in the processlist.
 *
 * <p>If the session dies, its locks go with it. Before the RENAME that only fails the attempt (the
 * changes it was applying stay queued, see {@link ApplyLoop#drainUntilMarker}); once the RENAME
 * may have run, the attempt asks the server whether the tables are swapped rather than guessing.
 */
public final class SingleSessionCutOver implements CutOver {

    private static final Logger log = LoggerFactory.getLogger(SingleSessionCutOver.class);

    @Override
    public Duration attempt(CutOverContext context) throws CutOverAttemptException, InterruptedException {
        Connection lock = null;
        AttemptRelations relations = new AttemptRelations(context);
        try {
            lock = context.connections().open();
            LockingSessions.boundWaits(lock, context.lockTimeout());
            ApplyLoop.TakeOver takeOver = context.applyLoop().takeOver(context.lockTimeout())
                    .orElseThrow(() -> new CutOverAttemptException("the binlog applier did not pause within "
                            + context.lockTimeout().toSeconds() + " s"));
            // The apply thread must not be mid-batch on the ghost table when we lock it, nor wait on it after.
            try (takeOver; Connection control = context.connections().open()) {
                CutOverHook.Sessions sessions = new CutOverHook.Sessions(lock, lock);
                String marker = "cut-over-" + UUID.randomUUID();
                LockBudget budget = new LockBudget(context.lockTimeout());
                CutOverSql.lockTables(lock, context, context.qualifiedOriginal() + " WRITE, " + context.qualifiedGhost() + " WRITE");
                long lockedAt = System.nanoTime();
                context.reached(CutOverStep.LOCKED, sessions);
                context.checkNotThrottled();
                context.changelog().writeMarker(control, marker);
                while (!context.applyLoop().drainUntilMarker(lock, marker, budget.remaining(),
                        () -> context.throttle().get().isPresent())) {
                    if (context.applyLoop().awaitMarkerApplied(marker, Duration.ZERO)) {
                        throw new CutOverAttemptException("rows that collided on a unique key are not written to the ghost table yet");
                    }
                    context.checkNotThrottled();
                    budget.check("applying the binlog changes up to the lock");
                }
                if (context.carryAutoIncrement()) {
                    CutOverSql.carryAutoIncrement(lock, context);
                }
                context.reached(CutOverStep.CAUGHT_UP, sessions);
                context.checkNotThrottled();
                budget.check("catching up under the lock");
                relations.moveToGhost(lock, lock);
                context.reached(CutOverStep.RELATIONS_MOVED, sessions);
                rename(lock, context);
                relations.swapped();
                takeOver.finishApplying();
                Duration lockTime = Duration.ofNanos(System.nanoTime() - lockedAt);
                context.reached(CutOverStep.SWAPPED, sessions);
                try {
                    CutOverSql.execute(lock, "UNLOCK TABLES");
                } catch (SQLException e) {
                    log.info("The cut-over session ended after the swap ({}); its locks ended with it", e.getMessage());
                }
                return lockTime;
            }
        } catch (SQLException | CutOverAttemptException e) {
            CutOverAttemptException failure = e instanceof CutOverAttemptException attempt ? attempt
                    : new CutOverAttemptException(e.getMessage(), e);
            throw failure.adding(relations.putBack(lock, lock));
        } catch (InterruptedException e) {
            relations.putBack(lock, lock);
            throw e;
        } finally {
            CutOverSql.closeQuietly(lock); // releases the locks if anything above failed
        }
    }

    /** Swaps the names; if the statement's outcome is unknown (the session died), asks the server. */
    private static void rename(Connection lock, CutOverContext context) throws SQLException {
        try {
            CutOverSql.execute(lock, "RENAME TABLE " + context.qualifiedOriginal() + " TO " + context.qualifiedOld()
                    + ", " + context.qualifiedGhost() + " TO " + context.qualifiedOriginal());
        } catch (SQLException e) {
            if (!CutOverSql.swapped(context)) {
                throw e;
            }
            log.info("The RENAME reported '{}', but the tables are swapped", e.getMessage());
        }
    }
}
