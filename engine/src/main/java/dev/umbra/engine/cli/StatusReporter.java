package dev.umbra.engine.cli;

import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Shows progress: one status line on stderr per snapshot the runner publishes (every status
 * interval and at each phase change), and the {@code --status-json} file, if asked for. The final
 * phases print no status line (the command prints the engine's closing message instead), except
 * Done while its revert window is open: the command still runs then.
 */
final class StatusReporter implements ProgressListener {

    private final PrintWriter err;
    private final Optional<StatusJsonFile> json;
    private boolean jsonFailureReported;

    StatusReporter(PrintWriter err, Optional<StatusJsonFile> json) {
        this.err = err;
        this.json = json;
    }

    @Override
    public void onProgress(Progress progress) {
        if (!progress.phase().isFinal() || revertible(progress)) {
            synchronized (err) {
                err.println(line(progress));
                err.flush();
            }
        }
        writeJson(progress);
    }

    /** Writes the snapshot to the JSON file (if any); a failure is reported once, not fatal. */
    void writeJson(Progress progress) {
        if (json.isEmpty()) {
            return;
        }
        try {
            json.get().write(progress);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (!jsonFailureReported) {
                    jsonFailureReported = true;
                    err.println("Warning: cannot write the status file " + json.get().path() + ": " + e.getMessage());
                    err.flush();
                }
            }
        }
    }

    /** E.g. {@code Copying 42.0% 42000/100000 rows, ETA 12s, backlog 3}. */
    static String line(Progress progress) {
        if (progress.phase() == Phase.INSPECTING) {
            return "Inspecting: " + progress.stage() + progress.throttle().map(hold -> ", throttled: " + hold.describe()).orElse("");
        }
        if (revertible(progress)) {
            return "Done, revertible until " + progress.revert().get().until() + progress.revert().get().lag()
                    .map(lag -> ", old table " + duration(lag) + " behind").orElse("") + " (" + progress.stage() + ")";
        }
        StringBuilder line = new StringBuilder(progress.phase().displayName());
        line.append(String.format(Locale.ROOT, " %.1f%% %d/%d rows, ETA %s, backlog %d", progress.percent(),
                progress.rowsCopied(), progress.rowsEstimated(), progress.eta().map(StatusReporter::duration).orElse("unknown"),
                progress.applyBacklog()));
        progress.throttle().ifPresent(hold -> line.append(", throttled: ").append(hold.describe()));
        if ((progress.phase() != Phase.COPYING || progress.stage().startsWith("Verifying")) && !progress.stage().isBlank()) {
            line.append(" (").append(progress.stage()).append(')');
        }
        return line.toString();
    }

    private static boolean revertible(Progress progress) {
        return progress.phase() == Phase.DONE && progress.revert().map(window -> window.reversible()).orElse(false);
    }

    /** 12s, 3m05s, 2h07m; a started second counts as a whole one. */
    static String duration(Duration duration) {
        long seconds = Math.max(0, (duration.toMillis() + 999) / 1000);
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
