package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.sql.LockingSessions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The atomic cut-over for servers that refuse RENAME under LOCK TABLES (MySQL 5.7, MariaDB).
 *
 * <p>Session L locks the original for writing and waits until every binlog change up to the lock
 * is applied; the applier is then held, and the original's triggers move to the ghost (see
 * {@link AttemptRelations}). Session R issues
 * {@code RENAME TABLE t TO _t_del, _t_gho TO t}. R takes its metadata locks in name order, so it
 * first takes {@code _t_del} and {@code _t_gho} and then queues on {@code t} itself, behind L. A
 * queued exclusive lock is granted before queued writes, so when L unlocks, the swap happens
 * before any blocked writer gets in. L lets go only once R is seen holding the names before
 * {@code t} ({@link RenameQueuePosition}): if another session holds the ghost, R waits there
 * instead, and unlocking then would let the writers into the old table.
 *
 * <p>There is deliberately no sentry table under the old name (gh-ost's form). With one, R queues
 * on the sentry ({@code _t_del} sorts before {@code t}) instead of on {@code t}, so nothing is
 * pending on {@code t} when L unlocks and writers blocked there commit into the old table just
 * before the rename: lost writes, which {@code CutOverTest} caught on MySQL 5.7. The sentry's job
 * (stop R if L dies before the last changes are applied) is done by ordering instead: R is only
 * issued after they are applied, and on any failure R is killed before L lets go.
 *
 * <p>R's statement is found in the processlist by a unique token in its text, never by
 * connection id: behind ProxySQL, {@code CONNECTION_ID()} is not the processlist id (failure
 * mode 4).
 */
public final class TwoSessionCutOver implements CutOver {

    private static final Logger log = LoggerFactory.getLogger(TwoSessionCutOver.class);
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public Duration attempt(CutOverContext context) throws CutOverAttemptException, InterruptedException {
        Connection lock = null;
        Connection rename = null;
        Connection control = null;
        CompletableFuture<Void> renaming = null;
        ApplyLoop.TakeOver takeOver = null;
        Optional<RenameQueuePosition> position = Optional.empty();
        String token = "umbra-cut-over-" + UUID.randomUUID();
        Optional<RenameGuard> guard = RenameGuard.forAttempt(context);
        AttemptRelations relations = new AttemptRelations(context);
        long lockedAt = System.nanoTime();
        try {
            control = context.connections().open();
            if (guard.isPresent()) {
                guard.get().create(control, context);
            }
            lock = context.connections().open();
            LockingSessions.boundWaits(lock, context.lockTimeout());
            LockBudget budget = new LockBudget(context.lockTimeout());
            CutOverSql.lockTables(lock, context, context.qualifiedOriginal() + " WRITE"
                    + guard.map(g -> ", " + g.lockEntry()).orElse(""));
            lockedAt = System.nanoTime();
            context.reached(CutOverStep.LOCKED, new CutOverHook.Sessions(lock, null));
            context.checkNotThrottled();
            String marker = "cut-over-" + UUID.randomUUID();
            context.changelog().writeMarker(control, marker);
            while (!context.applyLoop().awaitMarkerApplied(marker, slice(budget))) {
                context.checkNotThrottled();
                budget.check("applying the binlog changes up to the lock");
            }
            if (!context.applyLoop().awaitMarker(marker, Duration.ZERO)) {
                throw new CutOverAttemptException("rows that collided on a unique key are not written to the ghost table yet");
            }
            // Everything up to the lock is applied. Hold the applier: from here on the ghost table
            // is R's, and after the swap, events under the original's name are the new table's.
            takeOver = context.applyLoop().takeOver(budget.remaining())
                    .orElseThrow(() -> new CutOverAttemptException("the binlog applier did not pause within the lock timeout of "
                            + context.lockTimeout().toSeconds() + " s"));
            if (context.carryAutoIncrement()) {
                CutOverSql.carryAutoIncrement(control, context);
            }
            context.reached(CutOverStep.CAUGHT_UP, new CutOverHook.Sessions(lock, null));
            context.checkNotThrottled();
            budget.check("catching up under the lock");
            // Nothing writes to the ghost now (the applier is held), and nobody locks it, so the
            // control session may create triggers there.
            relations.moveToGhost(lock, control);
            context.reached(CutOverStep.RELATIONS_MOVED, new CutOverHook.Sessions(lock, null));
            // R must queue behind L's lock. If L died, writers got in after the last applied change,
            // and R would swap at once without them: give up instead.
            CutOverSql.checkStillLocked(lock);
            context.reached(CutOverStep.LOCK_CHECKED, new CutOverHook.Sessions(lock, null));
            rename = context.connections().open();
            LockingSessions.boundWaits(rename, context.lockTimeout().multipliedBy(2));
            renaming = renameAsync(rename, context, token, guard.map(RenameGuard::renameClause).orElse(""));
            awaitRenameQueued(control, token, renaming, budget.remaining());
            // Seen waiting is not enough: it may wait for a name before the original's, held by someone else.
            position = RenameQueuePosition.forRename(context, control, List.of(context.old(), context.ghost()));
            if (position.isPresent()) {
                position.get().awaitHeld(renaming, budget);
            }
            context.reached(CutOverStep.RENAME_QUEUED, new CutOverHook.Sessions(lock, rename));
            context.checkNotThrottled();
            if (guard.isPresent()) {
                guard.get().release(lock);
            }
            CutOverSql.execute(lock, "UNLOCK TABLES");
            Duration lockTime = Duration.ofNanos(System.nanoTime() - lockedAt);
            try {
                renaming.get(context.lockTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new CutOverAttemptException("the RENAME did not complete after the lock was released: "
                        + causeOf(e), e);
            }
            relations.swapped();
            takeOver.finishApplying();
            context.reached(CutOverStep.SWAPPED, new CutOverHook.Sessions(lock, rename));
            return lockTime;
        } catch (SQLException | CutOverAttemptException e) {
            // R must not run once L lets go, unless it already did: then the swap is complete.
            if (cancelRename(control, token, renaming)) {
                takeOver.finishApplying();
                return Duration.ofNanos(System.nanoTime() - lockedAt);
            }
            CutOverAttemptException failure = e instanceof CutOverAttemptException attempt ? attempt
                    : new CutOverAttemptException(e.getMessage(), e);
            throw failure.adding(relations.putBack(lock, control)); // while L, if alive, still keeps writers out
        } catch (InterruptedException e) {
            Thread.interrupted(); // cancel R first, then pass the interrupt on
            boolean swapped = cancelRename(control, token, renaming);
            if (!swapped) {
                relations.putBack(lock, control);
            }
            Thread.currentThread().interrupt();
            if (swapped) {
                takeOver.finishApplying();
                return Duration.ofNanos(System.nanoTime() - lockedAt);
            }
            throw e;
        } finally {
            CutOverSql.closeQuietly(lock); // releases LOCK TABLES if still held
            position.ifPresent(RenameQueuePosition::close);
            CutOverSql.closeQuietly(rename);
            CutOverSql.closeQuietly(control);
            if (takeOver != null) {
                takeOver.close();
            }
            guard.ifPresent(g -> g.dropQuietly(context));
        }
    }

    private static Duration slice(LockBudget budget) {
        Duration left = budget.remaining();
        return left.compareTo(Duration.ofMillis(100)) < 0 ? left : Duration.ofMillis(100);
    }

    private static CompletableFuture<Void> renameAsync(Connection rename, CutOverContext context, String token,
                                                       String guardClause) {
        String sql = "RENAME /* " + token + " */ TABLE " + context.qualifiedOriginal() + " TO " + context.qualifiedOld()
                + ", " + context.qualifiedGhost() + " TO " + context.qualifiedOriginal() + guardClause;
        return CompletableFuture.runAsync(() -> {
            try {
                CutOverSql.execute(rename, sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** Waits until R's RENAME shows in the processlist waiting for a metadata lock. */
    private static void awaitRenameQueued(Connection control, String token, CompletableFuture<Void> renaming, Duration timeout)
            throws SQLException, CutOverAttemptException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (renaming.isDone()) {
                if (!renaming.isCompletedExceptionally()) {
                    // Only possible if the lock vanished between the liveness check and the RENAME.
                    log.error("The cut-over RENAME ran without waiting behind the lock (the locking session vanished just"
                            + " before it was issued); writes committed in that moment may be missing from the new table");
                }
                throw new CutOverAttemptException("the RENAME ended before it could queue behind the lock: "
                        + causeOf(renaming));
            }
            if (CutOverSql.waitingForMetadataLock(control, token)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new CutOverAttemptException("the RENAME was not seen waiting behind the lock within the lock timeout");
    }

    /**
     * Kills R's statement (found by its token, never by a connection id) and waits for it to end.
     * Returns true if R had already swapped the tables, so the attempt actually succeeded.
     */
    private static boolean cancelRename(Connection control, String token, CompletableFuture<Void> renaming)
            throws InterruptedException {
        if (renaming == null) {
            return false;
        }
        if (!renaming.isDone() && control != null) {
            try {
                CutOverSql.killStatement(control, token);
            } catch (SQLException ignored) {
                // then we wait for R to end by itself (its lock wait is bounded)
            }
        }
        try {
            renaming.get(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException failed) {
            return false;
        } catch (TimeoutException stillRunning) {
            return false;
        }
    }

    private static String causeOf(Exception e) {
        return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
    }

    private static String causeOf(CompletableFuture<Void> renaming) {
        try {
            renaming.getNow(null);
            return "it completed";
        } catch (Exception e) {
            return causeOf(e);
        }
    }
}
