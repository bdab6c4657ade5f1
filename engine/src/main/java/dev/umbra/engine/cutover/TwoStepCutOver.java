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
 * The non-atomic cut-over: under a write lock the original is renamed away, then the ghost is
 * renamed into place. Between the two, the table does not exist and writers fail with "Table
 * doesn't exist". Offered only as an option for setups where the atomic form cannot work. The
 * original's triggers and foreign keys leave it under the lock and are created on the ghost while
 * no table has the name.
 */
public final class TwoStepCutOver implements CutOver {

    private static final Logger log = LoggerFactory.getLogger(TwoStepCutOver.class);
    private static final int RENAME_BACK_ATTEMPTS = 3;

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
                    context.reached(CutOverStep.ORIGINAL_RENAMED, new CutOverHook.Sessions(lock, control));
                    // Only now: on MySQL 8 a foreign key's DDL waits for the lock on the original.
                    relations.attach(control);
                    CutOverSql.execute(control, "RENAME TABLE " + context.qualifiedGhost() + " TO " + context.qualifiedOriginal());
                } catch (SQLException e) {
                    if (swappedAfterAll(context)) {
                        log.info("The RENAME reported '{}', but the new table is in place", e.getMessage());
                        relations.swapped();
                        takeOver.finishApplying();
                        return Duration.ofNanos(System.nanoTime() - lockedAt);
                    }
                    // Put the original back, then its triggers and foreign keys, rather than leave no table under its name.
                    renameOriginalBack(context, control, e);
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

    /** Whether the new table's RENAME ran although its session reported a failure (it was lost as the statement ended). */
    private static boolean swappedAfterAll(CutOverContext context) {
        try {
            return CutOverSql.swapped(context);
        } catch (SQLException unknown) {
            return false; // then renaming the original back fails too, and says so
        }
    }

    /**
     * Renames the original back, through the attempt's session or, if that is gone, new ones. If
     * none can, the table is missing for the application and only a person can decide what to do:
     * the attempt ends with {@link OriginalRenamedException}, which no retry and no clean-up touches.
     */
    private static void renameOriginalBack(CutOverContext context, Connection control, SQLException why)
            throws OriginalRenamedException {
        String renameBack = "RENAME TABLE " + context.qualifiedOld() + " TO " + context.qualifiedOriginal();
        SQLException last = null;
        for (int attempt = 0; attempt < RENAME_BACK_ATTEMPTS; attempt++) {
            Connection session = null;
            try {
                session = attempt == 0 ? control : context.connections().open();
                CutOverSql.execute(session, renameBack);
                return;
            } catch (SQLException e) {
                last = e;
                log.warn("Renaming `{}` back to `{}` failed: {}", context.old(), context.original(), e.getMessage());
            } finally {
                if (session != control) {
                    CutOverSql.closeQuietly(session);
                }
            }
        }
        String message = "the original table was renamed to `" + context.old() + "` and neither the new table (" + why.getMessage()
                + ") nor the original (" + (last == null ? "no session" : last.getMessage()) + ") could be put back under `"
                + context.original() + "`: `" + context.original() + "` does not exist now. Nothing was dropped. Put the"
                + " original back with: " + renameBack + "; the new table, complete up to the cut-over, is `"
                + context.ghost() + "`";
        log.error("{}", message);
        throw new OriginalRenamedException(message, why);
    }
}