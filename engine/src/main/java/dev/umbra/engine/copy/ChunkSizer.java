package dev.umbra.engine.copy;

import java.time.Duration;

/**
 * Sizes copy chunks so that each takes about a target time. A fixed row count is wrong both
 * ways: too small, and the per-chunk cost (a round trip, a commit with its log flush, a range
 * query) dominates, so the copy crawls on an idle server; too large, and one chunk's shared locks
 * hold writers of those rows for long, and a throttle or pause reacts late.
 *
 * <p>After each chunk the rate (rows per second) it achieved updates a running estimate, and the
 * next chunk is the estimate times the target, within bounds. A faster chunk is blended in and
 * growth is at most fourfold per chunk (an idle start is no promise); a slower chunk replaces the
 * estimate, so the size drops at once when the server gets busy.
 */
public final class ChunkSizer {

    /** The smallest chunk: below it, round trips dominate whatever the server's state. */
    public static final int MIN_ROWS = 100;
    /** The largest chunk: bounds how many rows one chunk holds locked, and the undo it builds. */
    public static final int MAX_ROWS = 50_000;
    private static final int MAX_GROWTH = 4;
    /** Weight of the newest chunk in the rate estimate. */
    private static final double WEIGHT = 0.5;

    private final Duration target;
    private int size;
    private double rowsPerSecond = -1;

    /**
     * @param initial the first chunk's rows; with a zero target, every chunk's
     * @param target  the time a chunk should take; zero for a fixed size
     */
    public ChunkSizer(int initial, Duration target) {
        this.size = Math.max(1, initial);
        this.target = target;
    }

    /** Rows for the next chunk. */
    public int next() {
        return size;
    }

    /** Records that a chunk of {@code rows} rows took {@code took}; adjusts the next size. */
    public void record(int rows, Duration took) {
        if (target.isZero() || rows <= 0) {
            return;
        }
        double seconds = Math.max(took.toNanos(), 1_000_000) / 1e9;
        double rate = rows / seconds;
        // Slower than expected counts in full at once (writers may be waiting); faster, only in part.
        rowsPerSecond = rowsPerSecond < 0 || rate < rowsPerSecond ? rate : WEIGHT * rate + (1 - WEIGHT) * rowsPerSecond;
        long wanted = Math.round(rowsPerSecond * target.toNanos() / 1e9);
        long grown = Math.min(wanted, (long) size * MAX_GROWTH);
        size = (int) Math.max(MIN_ROWS, Math.min(MAX_ROWS, grown));
    }
}
