package dev.umbra.engine.progress;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run will do, as inspection found it, before it changes anything: for a person to read
 * (and, where the plan must be approved, to approve) before the copy starts.
 *
 * @param method            instant ALTER or online copy
 * @param key               the unique key the copy walks and the binlog changes are matched by,
 *                          e.g. {@code PRIMARY KEY (id)}
 * @param estimatedRows     the table's rows by the server's statistics
 * @param estimatedBytes    the table's data and indexes on disk by the server's statistics
 * @param estimatedCopyTime a rough copy time from those statistics (empty for an instant ALTER);
 *                          the ETA measured while copying replaces it
 * @param ghostTable        the helper table the rows are copied to
 * @param changelogTable    the helper table of heartbeats and run state
 * @param oldTable          the name the original takes at the cut-over
 * @param warnings          what a careful reader should know (time zone conversions, relations moved
 *                          at the cut-over, a resumed checkpoint)
 * @param revert            whether the cut-over could be undone within a revert window, and why
 */
public record RunPlan(Method method, String key, long estimatedRows, long estimatedBytes,
                      Optional<Duration> estimatedCopyTime, String ghostTable, String changelogTable, String oldTable,
                      List<String> warnings, RevertVerdict revert) {

    public RunPlan {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(revert, "revert");
        warnings = List.copyOf(warnings);
    }

    /** How the table gets its new definition. */
    public enum Method {
        /** {@code ALGORITHM=INSTANT} on the table itself, at the cut-over (online copy if the server refuses then). */
        INSTANT("Instant"),
        /** A ghost table, a chunked copy, binlog replay and a swap. */
        ONLINE_COPY("OnlineCopy");

        private final String displayName;

        Method(String displayName) {
            this.displayName = displayName;
        }

        public String displayName() {
            return displayName;
        }

        @Override
        public String toString() {
            return displayName;
        }
    }

    /** The estimated size for people, in binary units: {@code 812 KiB}, {@code 3.4 GiB}. */
    public String sizeText() {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double size = estimatedBytes;
        int unit = 0;
        while (size >= 1024 && unit < units.length - 1) {
            size /= 1024;
            unit++;
        }
        return unit == 0 ? estimatedBytes + " bytes"
                : String.format(java.util.Locale.ROOT, size < 10 ? "%.1f %s" : "%.0f %s", size, units[unit]);
    }

    /**
     * How the copy and the swap would differ from {@code approved}, or empty if they would not:
     * a plan approved for one method or key does not cover a run that would take another.
     */
    public Optional<String> differenceFrom(RunPlan approved) {
        if (method != approved.method) {
            return Optional.of("the method is now " + method + ", not " + approved.method);
        }
        if (!key.equals(approved.key)) {
            return Optional.of("the key is now " + key + ", not " + approved.key);
        }
        return Optional.empty();
    }
}
