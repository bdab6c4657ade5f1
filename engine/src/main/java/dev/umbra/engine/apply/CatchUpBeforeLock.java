package dev.umbra.engine.apply;

import dev.umbra.engine.sql.Connections;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the binlog applier up to now before a lock on the original is taken, without holding any
 * lock: a marker written now must come back through the binlog and be applied quickly. Whatever
 * the applier still has to do under the lock, every writer of the table waits for; a stream that
 * is reconnecting (after a server restart or a network fault) or far behind would make them wait
 * the whole lock timeout for nothing.
 */
public final class CatchUpBeforeLock {

    private static final Logger log = LoggerFactory.getLogger(CatchUpBeforeLock.class);
    private static final Duration MARKER_WAIT = Duration.ofSeconds(5);
    private static final int SLOW_ROUNDS = 3;

    /** What the caller does while it waits. */
    public interface Waiting {
        /**
         * Called before every round: returns once work may go on (it waits while the migration is
         * paused or throttled), throws to end the wait (an abort, a failed worker).
         */
        void checkpoint() throws Exception;

        /** Called after every round in which the applier was not caught up, to say so. */
        void behind();
    }

    private CatchUpBeforeLock() {
    }

    /**
     * Waits until a marker comes back and is applied within half the lock timeout (so that
     * draining the rest under the lock is short; on a server so busy that this does not happen
     * {@value #SLOW_ROUNDS} times in a row, within the lock timeout, which bounds the lock
     * anyway). It has no limit of its own: a lost stream that cannot be resumed, an abort or a
     * failed worker ends it through {@link Waiting#checkpoint()}.
     *
     * @param lockFor what is about to lock, for the log (e.g. "the cut-over of `t`")
     */
    public static void await(Changelog changelog, Connections connections, ApplyLoop applyLoop, Duration lockTimeout,
            String lockFor, Waiting waiting) throws Exception {
        for (int round = 1; ; round++) {
            waiting.checkpoint();
            Duration quick = round <= SLOW_ROUNDS ? lockTimeout.dividedBy(2) : lockTimeout;
            String marker = "catch-up-" + UUID.randomUUID();
            long started = System.nanoTime();
            try (Connection control = connections.open()) {
                changelog.writeMarker(control, marker);
            }
            boolean applied = applyLoop.awaitMarkerApplied(marker, MARKER_WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (applied && took.compareTo(quick) <= 0) {
                return;
            }
            if (round == 1) {
                log.info("The binlog applier is behind (a marker took {} ms or more to come back); {} waits for it"
                        + " before locking", took.toMillis(), lockFor);
            }
            waiting.behind();
        }
    }
}
