package dev.umbra.benchmark;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's peak heap use during one case: the heap pools' peak usage, reset (after a GC) before
 * the case. The sum of the pools' peaks is an upper bound of the heap's peak (the pools need not
 * peak at the same moment). Heap that the collector has not reclaimed yet counts too, so the figure
 * depends on -Xmx; scripts/benchmark runs with -Xmx256m, so every case also proves that the whole
 * process (migration, writer and benchmark) fits in 256 MB.
 */
final class HeapMeter {

    /** The most heap in use right after a collection since the last reset: what the process kept, not what it had yet to collect. */
    private static final AtomicLong liveAfterCollection = new AtomicLong();

    static {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                                (CompositeData) notification.getUserData());
                        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                                .mapToLong(MemoryUsage::getUsed).sum();
                        liveAfterCollection.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }
    }

    private HeapMeter() {
    }

    static void reset() {
        System.gc();
        liveAfterCollection.set(0);
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

    /**
     * Bytes: the most heap in use right after any collection since the last {@link #reset()}
     * (young collections included): what the process held on to, independent of -Xmx.
     */
    static long liveBytes() {
        return liveAfterCollection.get();
    }

    /** The heap limit (-Xmx) in bytes. */
    static long maxBytes() {
        return Runtime.getRuntime().maxMemory();
    }
}
