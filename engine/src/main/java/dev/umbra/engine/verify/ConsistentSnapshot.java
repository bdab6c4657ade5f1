package dev.umbra.engine.verify;

import dev.umbra.engine.sql.LockingSessions;
import dev.umbra.engine.sql.TransientErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only session that sees the original and the ghost table at one point in the binlog: the
 * ghost holds exactly the changes the original had at that point.
 *
 * <p>Taking the point: session L locks the original for reading ({@code LOCK TABLES t READ}, which
 * waits for transactions writing to it and then holds new writers; readers go on). Another
 * session writes a changelog marker; once the applier has applied everything up to the marker,
 * every change made to the original before the lock is in the ghost, and none can follow while
 * the lock is held (the applier is the only writer of the ghost, and the copy is over). Session S
 * then opens a snapshot ({@code START TRANSACTION WITH CONSISTENT SNAPSHOT} in REPEATABLE READ),
 * which covers both tables, and L unlocks. A second session G opens its snapshot under the same
 * lock: nothing can change either table between the two (the original is locked, and the applier
 * has nothing left to apply), so both see the same point, and the checksums of the original and of
 * the ghost table can run side by side, one on each. The lock is held for about one marker's round trip
 * through the binlog: the lock is only taken once a marker written without it came back quickly,
 * so little is left to drain under it. Each attempt is bounded by the lock timeout; a failed
 * attempt unlocks and the next follows, without limit.
 *
 * <p>A waiting read lock does not hold back new writers (a pending {@code SHARED_READ_ONLY}
 * metadata lock lets {@code SHARED_WRITE} requests pass), so under writers that always have a
 * transaction open on the table it is never granted: on MySQL 5.7 under 16 writer threads, 18
 * attempts in 133 s all timed out. After {@value LockingSessions#READ_LOCK_TIMEOUTS_BEFORE_WRITE_LOCK} such attempts the point is
 * taken under {@code LOCK TABLES ... WRITE} instead, whose pending request queues new writers and
 * readers behind it, as a cut-over attempt does: it is granted once the transactions already open
 * end, and held for the same marker round trip.
 */
final class ConsistentSnapshot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsistentSnapshot.class);

    private final Connection session;
    private final Connection ghostSession;
    private final Duration lockTime;

    private ConsistentSnapshot(Connection session, Connection ghostSession, Duration lockTime) {
        this.session = session;
        this.ghostSession = ghostSession;
        this.lockTime = lockTime;
    }

    /**
     * Takes a consistent point. It never gives up because the server is busy: an attempt that
     * cannot have the lock within the lock timeout, or whose applier does not drain within it,
     * unlocks, says so in the stage and tries again. Before each attempt the observer's
     * checkpoint waits while the migration is paused or throttled (the applier holds then, and the
     * lock would only block writers); an abort ends the wait there.
     */
    static ConsistentSnapshot open(VerifyContext context, TableVerifier.Observer observer) throws Exception {
        long firstFailure = 0;
        int lockTimeouts = 0;
        for (int failed = 0; ; ) {
            observer.checkpoint();
            ApplierCatchUp.settleHeldRows(context);
            ApplierCatchUp.await(context, observer, "Verifying");
            Connection session = context.connections().open();
            Connection ghostSession;
            try {
                ghostSession = context.connections().open();
            } catch (SQLException e) {
                closeQuietly(session);
                throw e;
            }
            String failure;
            boolean forWriting = lockTimeouts >= LockingSessions.READ_LOCK_TIMEOUTS_BEFORE_WRITE_LOCK;
            String why = "the table could not be locked " + (forWriting ? "for writing" : "for reading") + " within "
                    + context.lockTimeout().toSeconds() + " s";
            try {
                Duration lockTime = attempt(context, forWriting ? context.lockForWriting() : context.lockForReading(),
                        session, ghostSession);
                if (lockTime != null) {
                    log.info("Consistent point for the checksum of `{}` taken; the table was locked for {} {} ms",
                            context.original(), forWriting ? "writing" : "reading", lockTime.toMillis());
                    return new ConsistentSnapshot(session, ghostSession, lockTime);
                }
                failure = null; // rows were held back meanwhile: settle them and go again
            } catch (SQLException e) {
                if (!TransientErrors.isLockContention(e) && !(e instanceof DrainTooSlow)) {
                    closeQuietly(session);
                    closeQuietly(ghostSession);
                    throw e;
                }
                failure = e.getMessage();
                if (TransientErrors.isLockContention(e) && ++lockTimeouts == LockingSessions.READ_LOCK_TIMEOUTS_BEFORE_WRITE_LOCK) {
                    log.warn("The checksum of `{}` could not lock the table for reading in {} attempts: writers keep it"
                            + " busy; the next attempts lock it for writing (new writers and readers wait at most {} s"
                            + " for it, as for a cut-over attempt)", context.original(), LockingSessions.READ_LOCK_TIMEOUTS_BEFORE_WRITE_LOCK,
                            context.lockTimeout().toSeconds());
                }
                if (e instanceof DrainTooSlow) {
                    why = "the binlog applier did not catch up under the lock within " + context.lockTimeout().toSeconds() + " s";
                }
            }
            closeQuietly(session);
            closeQuietly(ghostSession);
            if (failure == null) {
                continue;
            }
            failed++;
            firstFailure = failed == 1 ? System.nanoTime() : firstFailure;
            long waiting = Duration.ofNanos(System.nanoTime() - firstFailure).toSeconds();
            log.warn("Attempt {} to take a consistent point for the checksum of `{}` failed (trying again): {}", failed,
                    context.original(), failure);
            observer.stage("Verifying: waiting for a consistent point, " + why + " (attempt " + failed + ", " + waiting
                    + " s so far)");
            Thread.sleep(Math.min(10_000, 500L * failed));
        }
    }

    /** The changes written before the lock were not all applied within the lock timeout. */
    private static final class DrainTooSlow extends SQLException {
        DrainTooSlow(Duration timeout) {
            super("the binlog changes up to the lock were not all applied within " + timeout.toSeconds() + " s");
        }
    }

    /** The lock's duration, or null if rows were held back meanwhile (then try again). */
    private static Duration attempt(VerifyContext context, String lockStatement, Connection... sessions)
            throws SQLException, InterruptedException {
        for (Connection session : sessions) {
            session.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try (Connection lock = context.connections().open(); Connection control = context.connections().open();
             Statement locking = lock.createStatement()) {
            LockingSessions.boundWaits(lock, context.lockTimeout());
            locking.execute(lockStatement);
            long lockedAt = System.nanoTime();
            try {
                String marker = "verify-" + UUID.randomUUID();
                context.changelog().writeMarker(control, marker);
                if (!context.applyLoop().awaitMarkerApplied(marker, context.lockTimeout())) {
                    throw new DrainTooSlow(context.lockTimeout());
                }
                if (!context.held().isEmpty()) {
                    return null;
                }
                for (Connection session : sessions) {
                    try (Statement snapshot = session.createStatement()) {
                        snapshot.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    }
                }
            } finally {
                locking.execute("UNLOCK TABLES");
            }
            return Duration.ofNanos(System.nanoTime() - lockedAt);
        }
    }

    /** Reads only; every read sees the point at which the snapshot was opened. */
    Connection session() {
        return session;
    }

    /** A second session at the same point, for the ghost table's side of the checksum. */
    Connection ghostSession() {
        return ghostSession;
    }

    /** How long the original was locked for reading to take this point. */
    Duration lockTime() {
        return lockTime;
    }

    @Override
    public void close() {
        for (Connection connection : new Connection[] {session, ghostSession}) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("COMMIT");
            } catch (SQLException ignored) {
                // closing the session ends the snapshot anyway
            }
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a session that cannot close cleanly is gone anyway
        }
    }
}
