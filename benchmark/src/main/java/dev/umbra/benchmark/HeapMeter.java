package dev.umbra.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The JVM's peak heap use during one case: the heap pools' peak usage, reset (after a GC) before
 * the case. The sum of the pools' peaks is an upper bound of the heap's peak (the pools need not
 * peak at the same moment). Heap that the collector has not reclaimed yet counts too, so the figure
 * depends on -Xmx; scripts/benchmark runs with -Xmx256m, so every case also proves that the whole
 * process (migration, writer and benchmark) fits in 256 MB.
 */
final class HeapMeter {

    private HeapMeter() {
    }

    static void reset() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Bytes: the sum of the heap pools' peaks since the last {@link #reset()}. */
    static long peakBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }

    /** The heap limit (-Xmx) in bytes. */
    static long maxBytes() {
        return Runtime.getRuntime().maxMemory();
    }
}
