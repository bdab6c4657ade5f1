package dev.umbra.engine.logging;

import java.util.Map;
import org.slf4j.MDC;

/**
 * The logging context (SLF4J MDC) of the thread that starts a migration, carried to the threads the
 * engine starts for it, so that every line the migration logs says which migration it is about
 * (the operator puts the SchemaMigration's namespace and name there). New threads do not inherit
 * the MDC by themselves.
 */
public final class LogContext {

    private final Map<String, String> values;

    private LogContext(Map<String, String> values) {
        this.values = values;
    }

    /** The calling thread's context, as it is now. */
    public static LogContext capture() {
        return new LogContext(MDC.getCopyOfContextMap());
    }

    /** {@code task}, run with this context on whichever thread runs it, and the thread's own restored after. */
    public Runnable wrap(Runnable task) {
        if (values == null || values.isEmpty()) {
            return task;
        }
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            MDC.setContextMap(values);
            try {
                task.run();
            } finally {
                if (previous == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(previous);
                }
            }
        };
    }
}
