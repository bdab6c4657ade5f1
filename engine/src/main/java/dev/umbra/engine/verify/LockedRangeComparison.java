package dev.umbra.engine.verify;

import dev.umbra.engine.sql.TransactionCleanup;
import dev.umbra.engine.sql.WaitFreeRowLocks;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares one key range at a time while that range's rows are locked on the original, so the
 * checksum needs no table lock and gets its turn under any write load: a writer waits only for
 * the rows of the range being compared, and only for about one marker's trip through the binlog.
 *
 * <p>For each range, session L reads the original's sums with a locking read in share mode (in
 * REPEATABLE READ, so that the gaps between the range's keys are locked too). It keeps changes to
 * the range out, and it never waits inside the server: its reads refuse to wait ({@code NOWAIT},
 * failing at once on a row another transaction has locked) or pass locked rows by ({@code SKIP
 * LOCKED}), and it tries again itself (see {@link #lockWholeRange}). So L is never part of a
 * deadlock the server sees, and an
 * application's transaction is never chosen as a deadlock's victim because of the checksum (a
 * waiting read can close a cycle with a writer that holds one row of the range and waits for
 * another, and InnoDB rolls back the writer, the lighter of the two). Every transaction that
 * changed the range committed before L's read, and its binlog events precede a marker written
 * next (a transaction releases its locks after writing its binlog events); once the applier has
 * applied the marker, the ghost's range holds exactly the rows L read, and nothing changes it
 * while L holds the locks. Session G opens a snapshot then, L commits, and G reads the ghost's
 * sums in its snapshot.
 *
 * <p>A range with a row that stays locked for half the lock timeout, or whose marker the applier
 * does not apply within the lock timeout, releases what it holds and reports {@link Busy}; the
 * caller decides when to try again. A writer waits for L's locks at most the lock timeout.
 * Only servers whose locking reads can refuse to wait compare this way (see
 * {@link dev.umbra.engine.sql.ServerInfo#sharedLockThatNeedNotWait()}).
 */
final class LockedRangeComparison implements AutoCloseable {

    /** The outcome of one try at one range. */
    sealed interface Outcome permits Compared, Busy {
    }

    /** Compared: both sides' sums at one point. */
    record Compared(ComparedChunk chunk) implements Outcome {
    }

    /** Why the range could not be compared now; nothing is locked any more. */
    record Busy(Obstacle obstacle) implements Outcome {
    }

    enum Obstacle {
        /** Another transaction holds a row of the range locked. */
        ROWS_LOCKED("rows of the chunk are locked by other transactions"),
        /** The applier did not apply the marker within the lock timeout. */
        APPLIER_BEHIND("the binlog applier is behind"),
        /** Rows collided on a unique key of the ghost and wait to be written again. */
        ROWS_HELD("rows that collided on a unique key are waiting to be written again");

        private final String description;

        Obstacle(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /**
     * After an unlocked try that did not decide, the next ranges are not tried without locks: under
     * writers that change every range, unlocked tries would only double the reads.
     */
    private static final int RANGES_LOCKED_AFTER_AN_UNLOCKED_MISS = 4;
    private static final Logger log = LoggerFactory.getLogger(LockedRangeComparison.class);

    private final VerifyContext context;
    private final ChunkChecksum checksum;
    private int rangesUntilUnlockedTry;
    private int unlockedMatches;
    private final Connection lockSession;
    private final Connection ghostSession;
    private final Connection markerSession;
    /** Empty on a server whose locking reads cannot refuse to wait: only unlocked comparisons then. */
    private final Optional<String> lockClause;

    private LockedRangeComparison(VerifyContext context, ChunkChecksum checksum, Optional<String> lockClause, Connection lockSession,
                                  Connection ghostSession, Connection markerSession) {
        this.context = context;
        this.checksum = checksum;
        this.lockClause = lockClause;
        this.lockSession = lockSession;
        this.ghostSession = ghostSession;
        this.markerSession = markerSession;
    }

    /**
     * @param lockClause the server's clause for a shared locking read that can be told not to wait;
     *                   empty where there is none (MySQL 5.7): only {@link #compareWithoutLocks}
     *                   may be used then
     */
    static LockedRangeComparison open(VerifyContext context, ChunkChecksum checksum, Optional<String> lockClause)
            throws SQLException {
        Connection lock = null;
        Connection ghost = null;
        try {
            lock = context.connections().open();
            // Gap locks keep inserts out of the range; READ COMMITTED (a server default some
            // choose) takes none.
            lock.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            lock.setAutoCommit(false);
            ghost = context.connections().open();
            ghost.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Connection marker = context.connections().open();
            return new LockedRangeComparison(context, checksum, lockClause, lock, ghost, marker);
        } catch (SQLException e) {
            closeQuietly(lock);
            closeQuietly(ghost);
            throw e;
        }
    }

    /**
     * One try at comparing the range: first without locks (see {@link #compareWithoutLocks}), then,
     * if that did not decide, under locks.
     */
    Outcome compare(KeyRange range) throws SQLException, InterruptedException {
        Optional<ComparedChunk> unlocked = compareWithoutLocks(range);
        if (unlocked.isPresent()) {
            return new Compared(unlocked.get());
        }
        return compareLocked(range, context.lockTimeout());
    }

    /**
     * The range's match found without a lock (see {@link #tryWithoutLocks}), or empty: not decided
     * that way, or not tried because a recent try did not decide either.
     */
    Optional<ComparedChunk> compareWithoutLocks(KeyRange range) throws SQLException, InterruptedException {
        if (rangesUntilUnlockedTry > 0) {
            rangesUntilUnlockedTry--;
            return Optional.empty();
        }
        Optional<ComparedChunk> unlocked = tryWithoutLocks(range);
        if (unlocked.isEmpty()) {
            rangesUntilUnlockedTry = RANGES_LOCKED_AFTER_AN_UNLOCKED_MISS;
        }
        return unlocked;
    }

    /**
     * Compares the range without locking a row: the original's sums in a snapshot, then a marker,
     * the ghost's sums in a snapshot opened once the applier has applied it, then the original's
     * sums again. If all three are equal, the ghost's range holds exactly what the original's held
     * both before and after the ghost's snapshot, with no lock taken: the match is the same a
     * locked comparison would find. Anything else (a writer changed the range meanwhile, a batch
     * half committed on several apply sessions, a real difference) is not decided here: empty, and
     * the caller compares under locks. An idle range costs three plain reads instead of a locking
     * read, whose row locks cost InnoDB several times the read (at 1M rows on MariaDB 11.4, about
     * 130 ms per 50,000-row range against 15 ms); where the binlog shows the original unchanged,
     * two (see {@link #originalUnchangedSince}).
     */
    private Optional<ComparedChunk> tryWithoutLocks(KeyRange range) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        long changesSeen = context.applyLoop().eventsApplied();
        ChunkChecksum.Sums before = originalInSnapshot(range);
        if (!markerAppliedBy(System.nanoTime() + context.lockTimeout().toNanos()) || !context.held().isEmpty()) {
            return Optional.empty();
        }
        ChunkChecksum.Sums ghost;
        try (Statement snapshot = ghostSession.createStatement()) {
            snapshot.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            ghost = checksum.ghost(ghostSession, range);
            snapshot.execute("COMMIT");
        }
        if (!ghost.equals(before)) {
            return Optional.empty();
        }
        if (!originalUnchangedSince(changesSeen) && !originalInSnapshot(range).equals(before)) {
            return Optional.empty();
        }
        unlockedMatches++;
        log.trace("Range compared without locks in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return Optional.of(new ComparedChunk(before, ghost, Duration.ZERO));
    }

    /**
     * Whether no change to the original was committed from before the first read of the original
     * until after the ghost's snapshot, as the binlog shows: then the second read of the original
     * would find what the first did, and is spared. {@code changesSeen} is the applier's count of
     * the original's changes taken before the first read: a change committed after it comes after
     * it in the binlog, and one committed before the ghost's snapshot comes before a marker written
     * after it, so with that marker applied every such change is counted. Changes committed before
     * the first read but applied only since are counted too, so this errs on the side of reading
     * again. Only asked on an idle table, where the marker's trip costs less than the read. It
     * trusts the binlog stream for those few milliseconds as every comparison trusts it for the
     * changes after its point: a change the stream lost there would be missed, as one lost after
     * any range's comparison is.
     */
    private boolean originalUnchangedSince(long changesSeen) throws SQLException, InterruptedException {
        if (context.applyLoop().eventsApplied() != changesSeen) {
            return false;
        }
        return markerAppliedBy(System.nanoTime() + context.lockTimeout().toNanos())
                && context.applyLoop().eventsApplied() == changesSeen;
    }

    /**
     * Writes a marker and waits until the applier has applied it and everything before it, at the
     * latest until {@code deadline} ({@link System#nanoTime()}); false if it has not by then.
     */
    private boolean markerAppliedBy(long deadline) throws SQLException, InterruptedException {
        String marker = "verify-chunk-" + UUID.randomUUID();
        context.changelog().writeMarker(markerSession, marker);
        return context.applyLoop().awaitMarkerApplied(marker, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** The original's sums in a snapshot of their own, without locks. */
    private ChunkChecksum.Sums originalInSnapshot(KeyRange range) throws SQLException {
        try (Statement snapshot = lockSession.createStatement()) {
            snapshot.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            ChunkChecksum.Sums sums = checksum.original(lockSession, range);
            lockSession.commit();
            return sums;
        } catch (SQLException e) {
            TransactionCleanup.rollback(lockSession, e);
            throw e;
        }
    }

    /** Ranges that matched without a lock (see {@link #tryWithoutLocks}). */
    int unlockedMatches() {
        return unlockedMatches;
    }

    /**
     * Compares the range under locks. From the first lock to the last release it holds the range
     * at most {@code budget} (at most the lock timeout): half of it to get every row, the rest for
     * the marker.
     */
    Outcome compareLocked(KeyRange range, Duration budget) throws SQLException, InterruptedException {
        String clause = lockClause.orElseThrow(() -> new IllegalStateException(
                context.server().flavorName() + " has no locking read that can refuse to wait"));
        long started = System.nanoTime();
        ChunkChecksum.Sums original;
        try {
            original = lockWholeRange(range, clause, started, budget);
            if (original == null) {
                lockSession.rollback();
                return new Busy(Obstacle.ROWS_LOCKED);
            }
            if (!markerAppliedBy(started + budget.toNanos())) {
                lockSession.rollback();
                return new Busy(Obstacle.APPLIER_BEHIND);
            }
            if (!context.held().isEmpty()) {
                lockSession.rollback();
                return new Busy(Obstacle.ROWS_HELD);
            }
            try (Statement snapshot = ghostSession.createStatement()) {
                snapshot.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            }
            lockSession.commit();
        } catch (SQLException e) {
            TransactionCleanup.rollback(lockSession, e);
            throw e;
        }
        Duration lockTime = Duration.ofNanos(System.nanoTime() - started);
        try (Statement end = ghostSession.createStatement()) {
            ChunkChecksum.Sums ghost = checksum.ghost(ghostSession, range);
            end.execute("COMMIT");
            return new Compared(new ComparedChunk(original, ghost, lockTime));
        }
    }

    /**
     * Locks every row and gap of the range and returns the original's sums read under those
     * locks, or null if some row stayed locked by another transaction for half the budget.
     *
     * <p>A range that writers keep busy (above all the last one, open above, where every insert
     * of an auto-increment key lands) nearly always has a row some transaction has just written
     * and not yet committed, so a read that fails on any locked row would fail for ever. So the
     * rows and gaps that are free are locked first, passing the busy rows by ({@code SKIP LOCKED}):
     * from then on no new change can enter the range, the transactions in flight commit one by one,
     * and a read that refuses to wait soon finds none left.
     */
    private ChunkChecksum.Sums lockWholeRange(KeyRange range, String clause, long started, Duration budget)
            throws SQLException, InterruptedException {
        Duration patience = budget.dividedBy(2).minusNanos(System.nanoTime() - started);
        return WaitFreeRowLocks.run(() -> checksum.lockedOriginal(lockSession, range, clause + " NOWAIT"),
                () -> checksum.lockedOriginal(lockSession, range, clause + " SKIP LOCKED"), patience).orElse(null);
    }

    @Override
    public void close() {
        closeQuietly(lockSession);
        closeQuietly(ghostSession);
        closeQuietly(markerSession);
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a session that cannot close cleanly is gone anyway; closing releases its locks
        }
    }
}
