package dev.umbra.engine.logging;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * Daemon threads named {@code name}, {@code name-2}, ... that run with this context: a migration's
     * helper threads never keep the JVM alive and always log which migration they serve.
     */
    public ThreadFactory threadFactory(String name) {
        AtomicInteger started = new AtomicInteger();
        return runnable -> {
            int number = started.incrementAndGet();
            Thread thread = new Thread(wrap(runnable), number == 1 ? name : name + "-" + number);
            thread.setDaemon(true);
            return thread;
        };
    }
}
