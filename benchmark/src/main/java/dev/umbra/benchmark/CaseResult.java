package dev.umbra.benchmark;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The figures of one case on one server.
 *
 * @param benchmarkCase    which case
 * @param wall             from the start of the ALTER (or the migration) to its end
 * @param rows             rows in the table when the case began
 * @param writerOpsPerSecond the writer's achieved rate while the migration ran (empty without a writer)
 * @param longestStall     the longest gap between two successful writer operations while the migration ran
 * @param cutOverStall     the longest such gap overlapping the cut-over
 * @param cutOverLock      how long Umbra's cut-over held writers (as the engine reports it)
 * @param peakHeapBytes    the heap pools' peak use during the case
 * @param jvmCpu           CPU time this JVM used during the case (Umbra and the writer)
 * @param serverCpu        CPU time the database server used during the case
 * @param verdict          the table against its control table
 * @param path             which path the migration took (native, online copy, instant)
 * @param notes            anything else worth printing (rows copied, binlog changes applied, writer errors)
 */
record CaseResult(BenchmarkCase benchmarkCase, Duration wall, long rows, Optional<Double> writerOpsPerSecond,
                  Optional<Duration> longestStall, Optional<Duration> cutOverStall, Optional<Duration> cutOverLock,
                  long peakHeapBytes, Duration jvmCpu, Duration serverCpu, MirrorVerdict verdict, String path, List<String> notes) {

    double rowsPerSecond() {
        return rows / Math.max(wall.toNanos() / 1e9, 1e-9);
    }
}
