package dev.umbra.playground;

import dev.umbra.operator.model.SchemaMigrationStatus;
import java.util.Locale;

/** One line about a migration's status, with a bar: {@code [#####.....]  42.0%  84,000/200,000 rows  ETA 12s  lag 0.3s}. */
final class ProgressLine {

    private static final int WIDTH = 30;

    private ProgressLine() {
    }

    static String of(SchemaMigrationStatus status) {
        double percent = status.getPercent() == null ? 0 : status.getPercent();
        int filled = (int) Math.round(WIDTH * Math.min(100, percent) / 100.0);
        StringBuilder line = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        line.append(String.format(Locale.ROOT, "%5.1f%%  %,d/%,d rows", percent, orZero(status.getRowsCopied()),
                orZero(status.getRowsEstimated())));
        if (status.getEta() != null) {
            line.append("  ETA ").append(status.getEta());
        }
        if (status.getLag() != null) {
            line.append("  lag ").append(status.getLag());
        }
        line.append(String.format(Locale.ROOT, "  binlog changes applied %,d", orZero(status.getEventsApplied())));
        if (status.getThrottleReason() != null) {
            line.append("  (held: ").append(status.getThrottleReason()).append(')');
        }
        return line.toString();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
