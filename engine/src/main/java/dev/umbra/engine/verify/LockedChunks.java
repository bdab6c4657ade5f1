package dev.umbra.engine.verify;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares each chunk under its own row locks (see {@link LockedRangeComparison}), trying again
 * for as long as it takes: a busy server delays the checksum, it never fails it. While a chunk
 * waits, the stage says why and for how long.
 */
final class LockedChunks implements ChunkComparer {

    private static final Logger log = LoggerFactory.getLogger(LockedChunks.class);
    private static final long MAX_PAUSE_MILLIS = 1_000;
    /** Row locks of writers last milliseconds: try again soon, then less often for long transactions. */
    private static final long PAUSE_STEP_MILLIS = 20;

    private final VerifyContext context;
    private final TableVerifier.Observer observer;
    private final LockedRangeComparison comparison;
    private Duration longestLock = Duration.ZERO;

    private LockedChunks(VerifyContext context, TableVerifier.Observer observer, LockedRangeComparison comparison) {
        this.context = context;
        this.observer = observer;
        this.comparison = comparison;
    }

    static LockedChunks open(VerifyContext context, ChunkChecksum checksum, String lockClause,
                             TableVerifier.Observer observer) throws Exception {
        // Locks are short only if the applier has little left to apply.
        ApplierCatchUp.await(context, observer, "Verifying");
        return new LockedChunks(context, observer, LockedRangeComparison.open(context, checksum, Optional.of(lockClause)));
    }

    @Override
    public ComparedChunk compare(KeyRange range, String stage) throws Exception {
        long firstBusy = 0;
        for (int busy = 0; ; ) {
            LockedRangeComparison.Outcome outcome = comparison.compare(range);
            if (outcome instanceof LockedRangeComparison.Compared done) {
                ComparedChunk compared = done.chunk();
                longestLock = compared.lockTime().compareTo(longestLock) > 0 ? compared.lockTime() : longestLock;
                if (busy > 0) {
                    log.info("Checksum of `{}`: {} compared after {} busy attempt(s)", context.original(), stage, busy);
                }
                return compared;
            }
            LockedRangeComparison.Obstacle obstacle = ((LockedRangeComparison.Busy) outcome).obstacle();
            busy++;
            firstBusy = busy == 1 ? System.nanoTime() : firstBusy;
            long waited = Duration.ofNanos(System.nanoTime() - firstBusy).toSeconds();
            String why = stage + ": waiting, " + obstacle.description() + " (attempt " + busy + ", " + waited + " s so far)";
            observer.stage(why);
            if (busy == 1 || busy % 50 == 0) {
                log.info("Checksum of `{}`: {}", context.original(), why);
            }
            observer.checkpoint();
            switch (obstacle) {
                case APPLIER_BEHIND -> ApplierCatchUp.await(context, observer, stage);
                case ROWS_HELD -> ApplierCatchUp.settleHeldRows(context);
                case ROWS_LOCKED -> Thread.sleep(Math.min(MAX_PAUSE_MILLIS, PAUSE_STEP_MILLIS * busy));
            }
        }
    }

    @Override
    public Duration longestLock() {
        return longestLock;
    }

    @Override
    public void close() {
        log.debug("Checksum of `{}`: {} range(s) matched without locks", context.original(), comparison.unlockedMatches());
        comparison.close();
    }
}
