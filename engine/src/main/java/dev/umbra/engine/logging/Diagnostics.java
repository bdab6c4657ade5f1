package dev.umbra.engine.logging;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Details that can hold data, kept out of every message a migration reports: other sessions'
 * statement text (a lock blocker's query holds its literals) and row values (duplicates that a new
 * unique key rejects). Status, Kubernetes Events and the CLI's progress lines are readable by more
 * people than the data is; these details go to the log only, and only when the user turned them on
 * ({@code --diagnostics-include-statements}).
 */
public final class Diagnostics {

    public static final Diagnostics OFF = new Diagnostics(false);
    public static final Diagnostics ON = new Diagnostics(true);

    private static final Logger log = LoggerFactory.getLogger("dev.umbra.diagnostics");

    private final boolean includeData;

    private Diagnostics(boolean includeData) {
        this.includeData = includeData;
    }

    public static Diagnostics of(boolean includeData) {
        return includeData ? ON : OFF;
    }

    public boolean includesData() {
        return includeData;
    }

    /** Logs {@code detail} about {@code subject} if the user asked for data in the log; otherwise does not even build it. */
    public void log(String subject, Supplier<String> detail) {
        if (includeData) {
            log.warn("{}: {}", subject, detail.get());
        }
    }

    /** The sentence a redacted message ends with, saying how to see what was left out. */
    public String hint(String what) {
        return includeData ? what + " are in the log" : what + " are left out; run with --diagnostics-include-statements to log them";
    }
}
