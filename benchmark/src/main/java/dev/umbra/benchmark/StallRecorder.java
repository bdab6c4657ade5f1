package dev.umbra.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records when the writer's operations succeed, from all its threads, and finds the longest gap
 * between two consecutive successes: the longest time the application could not write at all.
 * Gaps above a threshold are kept, so that the longest one inside a given window (the cut-over)
 * can be found afterwards.
 */
final class StallRecorder {

    private static final long KEPT_GAP_NANOS = Duration.ofMillis(20).toNanos();

    private long lastSuccess;
    private long longestGap;
    private final List<long[]> gaps = new ArrayList<>();

    StallRecorder(long startNanos) {
        this.lastSuccess = startNanos;
    }

    synchronized void succeeded(long nanos) {
        if (nanos <= lastSuccess) {
            return;
        }
        long gap = nanos - lastSuccess;
        if (gap > longestGap) {
            longestGap = gap;
        }
        if (gap >= KEPT_GAP_NANOS) {
            gaps.add(new long[] {lastSuccess, nanos});
        }
        lastSuccess = nanos;
    }

    synchronized Duration longestGap() {
        return Duration.ofNanos(longestGap);
    }

    /** The longest gap that overlaps {@code [from, to]} (nano times); zero if none was kept. */
    synchronized Duration longestGapOverlapping(long from, long to) {
        long longest = 0;
        for (long[] gap : gaps) {
            if (gap[0] <= to && gap[1] >= from) {
                longest = Math.max(longest, gap[1] - gap[0]);
            }
        }
        return Duration.ofNanos(longest);
    }
}
