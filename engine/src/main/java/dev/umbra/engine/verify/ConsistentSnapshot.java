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
 * which covers both tables, and L unlocks. The lock is held for one marker's round trip through
 * the binlog: the applier catches up before the lock is taken, so little is left to drain under
 * it. Each attempt is bounded by the lock timeout; a failed attempt unlocks and the next follows.
 */
final class ConsistentSnapshot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsistentSnapshot.class);

    private final Connection session;
    private final Duration lockTime;

    private ConsistentSnapshot(Connection session, Duration lockTime) {
        this.session = session;
        this.lockTime = lockTime;
    }

    /**
     * Takes a consistent point; before each attempt the observer's checkpoint waits while the
     * migration is paused or throttled (the applier holds then, and the lock would only block writers).
     */
    static ConsistentSnapshot open(VerifyContext context, TableVerifier.Observer observer) throws Exception {
        String failure = "";
        for (int attempt = 1; attempt <= context.attempts(); attempt++) {
            observer.checkpoint();
            settleHeldRows(context);
            catchUp(context);
            Connection session = context.connections().open();
            try {
                Duration lockTime = attempt(context, session);
                if (lockTime != null) {
                    log.info("Consistent point for the checksum of `{}` taken; the table was locked for reading {} ms",
                            context.original(), lockTime.toMillis());
                    return new ConsistentSnapshot(session, lockTime);
                }
                failure = "rows held back by unique-key collisions were not settled";
            } catch (SQLException e) {
                failure = e.getMessage();
            }
            closeQuietly(session);
            log.warn("Attempt {} of {} to take a consistent point for the checksum of `{}` failed: {}", attempt,
                    context.attempts(), context.original(), failure);
            Thread.sleep(Math.min(10_000, 500L * attempt));
        }
        throw new VerificationFailedException("no consistent point for the checksum could be taken in "
                + context.attempts() + " attempts; last error: " + failure);
    }

    /** The snapshot's session, or null if rows were held back meanwhile (then try again). */
    private static Duration attempt(VerifyContext context, Connection session) throws SQLException, InterruptedException {
        session.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
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
                try (Statement snapshot = session.createStatement()) {
                    snapshot.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                }
            } finally {
                locking.execute("UNLOCK TABLES");
            }
            return Duration.ofNanos(System.nanoTime() - lockedAt);
        }
    }

    /** Waits, without any lock, until the applier has caught up, so that little is left to drain under the lock. */
    private static void catchUp(VerifyContext context) throws SQLException, InterruptedException {
        String marker = "verify-catch-up-" + UUID.randomUUID();
        try (Connection control = context.connections().open()) {
            context.changelog().writeMarker(control, marker);
        }
        context.applyLoop().awaitMarkerApplied(marker, Duration.ofSeconds(30));
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

    /** How long the original was locked for reading to take this point. */
    Duration lockTime() {
        return lockTime;
    }

    @Override
    public void close() {
        try (Statement statement = session.createStatement()) {
            statement.execute("COMMIT");
        } catch (SQLException ignored) {
            // closing the session ends the snapshot anyway
        }
        closeQuietly(session);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a session that cannot close cleanly is gone anyway
        }
    }
}
