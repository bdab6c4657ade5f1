package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyLoop;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Turns between the copy and the binlog applier where each copy chunk holds the ghost table's
 * AUTO-INC lock for its whole statement ({@code innodb_autoinc_lock_mode} below 2: MariaDB's and
 * MySQL 5.7's default; see {@code AutoIncrementLock}). The applier's inserts wait for that lock, so
 * with chunks back to back they got through only in the instant between two: under the benchmark's
 * flat-out writer on MySQL 5.7 the applier applied about 1,000 changes a second during the copy
 * (3,300 where chunks hold no such lock), fell 170,000 changes behind, and the checksum waited 42 s
 * for it to catch up. So while changes are queued, the next chunk waits until the applier has
 * applied one batch since the chunk before began, for at most {@link #LONGEST_TURN}.
 */
final class ApplierTurns {

    /** The longest the copy waits for one batch: a batch stuck behind something else does not stop it. */
    static final Duration LONGEST_TURN = Duration.ofMillis(500);
    private static final long POLL_MILLIS = 2;

    private final LongSupplier batchesApplied;
    private final LongSupplier backlog;
    private final boolean taken;
    private long batchesAtLastChunk = -1;
    private long turnBegan;

    /**
     * @param chunksHoldTheAutoIncrementLock whether turns are taken at all: elsewhere chunks and
     *                                       the applier's inserts run side by side
     */
    ApplierTurns(ApplyLoop applier, boolean chunksHoldTheAutoIncrementLock) {
        this(applier::batchesApplied, applier::backlog, chunksHoldTheAutoIncrementLock);
    }

    ApplierTurns(LongSupplier batchesApplied, LongSupplier backlog, boolean chunksHoldTheAutoIncrementLock) {
        this.batchesApplied = batchesApplied;
        this.backlog = backlog;
        this.taken = chunksHoldTheAutoIncrementLock;
    }

    /**
     * Called before each chunk is handed out, again and again while it returns true: the chunk
     * waits (a short sleep has passed) for the applier's batch.
     */
    boolean applierTurn() throws InterruptedException {
        if (!taken) {
            return false;
        }
        long batches = batchesApplied.getAsLong();
        boolean applied = batches > batchesAtLastChunk;
        boolean turnOver = turnBegan != 0 && System.nanoTime() - turnBegan > LONGEST_TURN.toNanos();
        if (batchesAtLastChunk < 0 || applied || backlog.getAsLong() == 0 || turnOver) {
            batchesAtLastChunk = batches;
            turnBegan = 0;
            return false;
        }
        if (turnBegan == 0) {
            turnBegan = System.nanoTime();
        }
        Thread.sleep(POLL_MILLIS);
        return true;
    }
}
