package dev.umbra.engine.verify;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.unique.UniqueConflictException;
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
 * attempt unlocks and the next follows.
 */
final class ConsistentSnapshot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsistentSnapshot.class);
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(5);
    private static final int SLOW_ROUNDS = 3;

    private final Connection session;
    private final Connection ghostSession;
    private final Duration lockTime;

    private ConsistentSnapshot(Connection session, Connection ghostSession, Duration lockTime) {
        this.session = session;
        this.ghostSession = ghostSession;
        this.lockTime = lockTime;
    }

    /**
     * Takes a consistent point; before each attempt the observer's checkpoint waits while the
     * migration is paused or throttled (the applier holds then, and the lock would only block writers).
     */
    static ConsistentSnapshot open(VerifyContext context, TableVerifier.Observer observer) throws Exception {
        int failed = 0;
        while (true) {
            observer.checkpoint();
            // Rows held back by unique-key collisions are settled first (a real duplicate fails
            // here); rows held again meanwhile only mean another round, not a failed attempt.
            settleHeldRows(context);
            catchUp(context, observer);
            Connection session = context.connections().open();
            Connection ghostSession;
            try {
                ghostSession = context.connections().open();
            } catch (SQLException e) {
                closeQuietly(session);
                throw e;
            }
            String failure;
            try {
                Duration lockTime = attempt(context, session, ghostSession);
                if (lockTime != null) {
                    log.info("Consistent point for the checksum of `{}` taken; the table was locked for reading {} ms",
                            context.original(), lockTime.toMillis());
                    return new ConsistentSnapshot(session, ghostSession, lockTime);
                }
                closeQuietly(session);
                closeQuietly(ghostSession);
                continue;
            } catch (SQLException e) {
                failure = e.getMessage();
            }
            closeQuietly(session);
            closeQuietly(ghostSession);
            failed++;
            log.warn("Attempt {} of {} to take a consistent point for the checksum of `{}` failed: {}", failed,
                    context.attempts(), context.original(), failure);
            if (failed >= context.attempts()) {
                throw new VerificationFailedException("no consistent point for the checksum could be taken in "
                        + context.attempts() + " attempts; last error: " + failure);
            }
            Thread.sleep(Math.min(10_000, 500L * failed));
        }
    }

    /** The snapshot's session, or null if rows were held back meanwhile (then try again). */
    private static Duration attempt(VerifyContext context, Connection... sessions) throws SQLException, InterruptedException {
        for (Connection session : sessions) {
            session.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try (Connection lock = context.connections().open(); Connection control = context.connections().open();
             Statement locking = lock.createStatement()) {
            locking.execute("SET SESSION lock_wait_timeout = " + Math.max(1, context.lockTimeout().toSeconds()));
            locking.execute("LOCK TABLES " + Sql.qualified(context.schema(), context.original()) + " READ");
            long lockedAt = System.nanoTime();
            try {
                String marker = "verify-" + UUID.randomUUID();
                context.changelog().writeMarker(control, marker);
                if (!context.applyLoop().awaitMarkerApplied(marker, context.lockTimeout())) {
                    throw new SQLException("the binlog changes up to the lock were not all applied within "
                            + context.lockTimeout().toSeconds() + " s");
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

    /**
     * Waits, without any lock, until the applier has caught up: a marker comes back and is applied
     * quickly (within half the lock timeout, so that draining the rest under the lock is short; on
     * a server so busy that this does not happen {@value #SLOW_ROUNDS} times in a row, within the
     * lock timeout, which bounds the lock anyway). Like the wait before the cut-over, this has no
     * limit of its own: a paused or throttled migration waits at the checkpoint, an abort or a
     * failed worker ends it there.
     */
    private static void catchUp(VerifyContext context, TableVerifier.Observer observer) throws Exception {
        for (int round = 1; ; round++) {
            observer.checkpoint();
            Duration quick = round <= SLOW_ROUNDS ? context.lockTimeout().dividedBy(2) : context.lockTimeout();
            String marker = "verify-catch-up-" + UUID.randomUUID();
            long started = System.nanoTime();
            try (Connection control = context.connections().open()) {
                context.changelog().writeMarker(control, marker);
            }
            boolean applied = context.applyLoop().awaitMarkerApplied(marker, CATCH_UP_WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (applied && took.compareTo(quick) <= 0) {
                return;
            }
            if (round == 1) {
                log.info("The binlog applier of `{}` is behind (a marker took {} ms or more to come back); the checksum"
                        + " waits for it before locking the table", context.original(), took.toMillis());
            }
            observer.stage("Verifying: waiting for the binlog applier to catch up");
        }
    }

    private static void settleHeldRows(VerifyContext context) throws SQLException, InterruptedException,
            VerificationFailedException {
        if (context.held().isEmpty()) {
            return;
        }
        try (Connection connection = context.connections().open()) {
            context.conflicts().settle(connection);
        } catch (UniqueConflictException e) {
            throw new VerificationFailedException(e.getMessage(), e);
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
