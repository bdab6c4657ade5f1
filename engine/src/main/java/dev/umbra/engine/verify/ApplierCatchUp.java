package dev.umbra.engine.verify;

import dev.umbra.engine.unique.UniqueConflictException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the binlog applier ready for a lock the checksum is about to take, without any lock: the
 * less it has left to apply, the shorter the lock.
 */
final class ApplierCatchUp {

    private static final Logger log = LoggerFactory.getLogger(ApplierCatchUp.class);
    private static final Duration MARKER_WAIT = Duration.ofSeconds(5);
    private static final int SLOW_ROUNDS = 3;

    private ApplierCatchUp() {
    }

    /**
     * Waits until the applier has caught up: a marker comes back and is applied quickly (within
     * half the lock timeout, so that draining the rest under a lock is short; on a server so busy
     * that this does not happen {@value #SLOW_ROUNDS} times in a row, within the lock timeout,
     * which bounds the lock anyway). Like the wait before the cut-over, this has no limit of its
     * own: a paused or throttled migration waits at the checkpoint, an abort or a failed worker
     * ends it there.
     */
    static void await(VerifyContext context, TableVerifier.Observer observer, String stage) throws Exception {
        for (int round = 1; ; round++) {
            observer.checkpoint();
            Duration quick = round <= SLOW_ROUNDS ? context.lockTimeout().dividedBy(2) : context.lockTimeout();
            String marker = "verify-catch-up-" + UUID.randomUUID();
            long started = System.nanoTime();
            try (Connection control = context.connections().open()) {
                context.changelog().writeMarker(control, marker);
            }
            boolean applied = context.applyLoop().awaitMarkerApplied(marker, MARKER_WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (applied && took.compareTo(quick) <= 0) {
                return;
            }
            if (round == 1) {
                log.info("The binlog applier of `{}` is behind (a marker took {} ms or more to come back); the checksum"
                        + " waits for it before locking", context.original(), took.toMillis());
            }
            observer.stage(stage + ": waiting for the binlog applier to catch up");
        }
    }

    /**
     * Writes the rows held back by unique-key collisions again (a real duplicate fails the
     * verification here); rows held again meanwhile only mean another round.
     */
    static void settleHeldRows(VerifyContext context) throws SQLException, InterruptedException,
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
}
