package dev.umbra.operator.status;

import java.time.Duration;

/** Durations the way the status columns show them: {@code 0.4s}, {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
public final class Durations {

    private Durations() {
    }

    public static String human(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(java.util.Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
