package dev.umbra.benchmark;

import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a migration's wall time went, from its progress reports: inspection, the row copy, the
 * checksum and the rest of the Copying phase, catching up, the cut-over. Precise to the status
 * interval, which is enough to say which part a speed-up has to come from.
 */
final class StageClock {

    private final Map<String, Long> nanosByPart = new LinkedHashMap<>();
    private String current;
    private long since;

    synchronized void observe(Progress progress, long nowNanos) {
        if (current != null) {
            nanosByPart.merge(current, nowNanos - since, Long::sum);
        }
        current = part(progress);
        since = nowNanos;
    }

    /** E.g. {@code inspect 1.2 s, copy 20.3 s, verify 4.1 s, cut-over 0.3 s}. */
    synchronized String summary() {
        return nanosByPart.entrySet().stream()
                .map(part -> String.format("%s %.1f s", part.getKey(), part.getValue() / 1e9))
                .collect(Collectors.joining(", "));
    }

    private static String part(Progress progress) {
        Phase phase = progress.phase();
        return switch (phase) {
            case INSPECTING -> "inspect";
            case COPYING -> progress.stage().startsWith("copying") ? "copy" : "verify and other copy stages";
            case AWAITING_CUT_OVER -> "catch-up";
            case CUT_OVER -> "cut-over";
            default -> phase.displayName();
        };
    }
}
