package dev.umbra.benchmark;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The figures of one server's cases as a Markdown table, with ratios against the native ALTER. */
final class ResultTable {

    private ResultTable() {
    }

    static String markdown(List<CaseResult> results) {
        Optional<Duration> baseline = wallOf(results, BenchmarkCase.NATIVE);
        StringBuilder table = new StringBuilder();
        table.append("| case | path | wall | rows/s | × (a) | writer ops/s | longest stall | stall in cut-over | cut-over lock | peak heap | CPU JVM / server | verdict |\n");
        table.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (CaseResult r : results) {
            table.append("| (").append(r.benchmarkCase().letter()).append(") ").append(r.benchmarkCase().description())
                    .append(" | ").append(r.path())
                    .append(" | ").append(seconds(r.wall()))
                    .append(" | ").append(String.format("%,.0f", r.rowsPerSecond()))
                    .append(" | ").append(baseline.map(b -> String.format("%.2f", r.wall().toNanos() / (double) b.toNanos())).orElse("–"))
                    .append(" | ").append(r.writerOpsPerSecond().map(ops -> String.format("%,.0f", ops)).orElse("–"))
                    .append(" | ").append(r.longestStall().map(ResultTable::millis).orElse("–"))
                    .append(" | ").append(r.cutOverStall().map(ResultTable::millis).orElse("–"))
                    .append(" | ").append(r.cutOverLock().map(ResultTable::millis).orElse("–"))
                    .append(" | ").append(r.peakHeapBytes() >> 20).append(" MB")
                    .append(" | ").append(seconds(r.jvmCpu())).append(" / ").append(seconds(r.serverCpu()))
                    .append(" | ").append(r.verdict().describe())
                    .append(" |\n");
        }
        return table.toString();
    }

    /** Umbra idle (b) against pt-online-schema-change idle (k), where the run has both. */
    static Optional<String> idleAgainstPtOsc(List<CaseResult> results) {
        Optional<Duration> umbra = wallOf(results, BenchmarkCase.IDLE);
        Optional<Duration> ptOsc = wallOf(results, BenchmarkCase.PT_OSC);
        if (umbra.isEmpty() || ptOsc.isEmpty()) {
            return Optional.empty();
        }
        double ratio = umbra.get().toNanos() / (double) ptOsc.get().toNanos();
        String line = String.format("Umbra idle (b) against pt-online-schema-change idle (k): %.2f× (%s against %s; %s)", ratio,
                seconds(umbra.get()), seconds(ptOsc.get()), ratio < 1 ? "Umbra faster, its checksum included" : "pt-osc faster");
        Optional<Duration> unchecked = wallOf(results, BenchmarkCase.IDLE_WITHOUT_CHECKSUM);
        if (unchecked.isPresent()) {
            line += String.format("; without its checksum (n), as pt-osc runs: %.2f× (%s)",
                    unchecked.get().toNanos() / (double) ptOsc.get().toNanos(), seconds(unchecked.get()));
        }
        return Optional.of(line);
    }

    private static Optional<Duration> wallOf(List<CaseResult> results, BenchmarkCase wanted) {
        return results.stream().filter(r -> r.benchmarkCase() == wanted).map(CaseResult::wall).findFirst();
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }
}
