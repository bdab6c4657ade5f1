package dev.umbra.engine.verify;

import dev.umbra.engine.sql.TransactionCleanup;
import dev.umbra.engine.sql.TransientErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * Compares one key range at a time while that range's rows are locked on the original, so the
 * checksum needs no table lock and gets its turn under any write load: a writer waits only for
 * the rows of the range being compared, and only for about one marker's trip through the binlog.
 *
 * <p>For each range, session L reads the original's sums with a locking read in share mode (in
 * REPEATABLE READ, so that the gaps between the range's keys are locked too). It keeps changes to
 * the range out, and it has waited for none: L's read refuses to wait ({@code NOWAIT}), failing at
 * once on a row another transaction has locked. So L is never part of a deadlock, and an
 * application's transaction is never chosen as a deadlock's victim because of the checksum (a
 * waiting read can close a cycle with a writer that holds one row of the range and waits for
 * another, and InnoDB rolls back the writer, the lighter of the two). Every transaction that
 * changed the range committed before L's read, and its binlog events precede a marker written
 * next (a transaction releases its locks after writing its binlog events); once the applier has
 * applied the marker, the ghost's range holds exactly the rows L read, and nothing changes it
 * while L holds the locks. Session G opens a snapshot then, L commits, and G reads the ghost's
 * sums in its snapshot.
 *
 * <p>A range with a locked row, or whose marker the applier does not apply within the lock
 * timeout, releases what it holds and reports {@link Busy}; the caller decides when to try again.
 * Only servers whose locking reads can refuse to wait compare this way (see
 * {@link dev.umbra.engine.sql.ServerInfo#sharedLockWithoutWaiting()}).
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

    private final VerifyContext context;
    private final ChunkChecksum checksum;
    private final Connection lockSession;
    private final Connection ghostSession;
    private final Connection markerSession;
    private final String lockClause;

    private LockedRangeComparison(VerifyContext context, ChunkChecksum checksum, String lockClause, Connection lockSession,
                                  Connection ghostSession, Connection markerSession) {
        this.context = context;
        this.checksum = checksum;
        this.lockClause = lockClause;
        this.lockSession = lockSession;
        this.ghostSession = ghostSession;
        this.markerSession = markerSession;
    }

    /** @param lockClause the server's clause for a shared locking read that does not wait */
    static LockedRangeComparison open(VerifyContext context, ChunkChecksum checksum, String lockClause)
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

    /** One try at comparing the range. */
    Outcome compare(KeyRange range) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        ChunkChecksum.Sums original;
        try {
            original = checksum.lockedOriginal(lockSession, range, lockClause);
            String marker = "verify-chunk-" + UUID.randomUUID();
            context.changelog().writeMarker(markerSession, marker);
            if (!context.applyLoop().awaitMarkerApplied(marker, context.lockTimeout())) {
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
            if (TransientErrors.isLockContention(e)) {
                return new Busy(Obstacle.ROWS_LOCKED);
            }
            throw e;
        }
        Duration lockTime = Duration.ofNanos(System.nanoTime() - started);
        try (Statement end = ghostSession.createStatement()) {
            ChunkChecksum.Sums ghost = checksum.ghost(ghostSession, range);
            end.execute("COMMIT");
            return new Compared(new ComparedChunk(original, ghost, lockTime));
        }
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
