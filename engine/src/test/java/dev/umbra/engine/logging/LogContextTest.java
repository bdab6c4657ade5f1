package dev.umbra.engine.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The engine's threads log in the context (MDC) of the thread that started the migration. */
class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void aThreadStartedWithTheCapturedContextLogsInIt() throws InterruptedException {
        MDC.put("namespace", "shop");
        MDC.put("name", "items-add-status");
        LogContext context = LogContext.capture();
        MDC.clear();
        AtomicReference<Map<String, String>> seen = new AtomicReference<>();
        AtomicReference<Map<String, String>> after = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            context.wrap(() -> seen.set(MDC.getCopyOfContextMap())).run();
            after.set(MDC.getCopyOfContextMap());
        });
        thread.start();
        thread.join();
        assertThat(seen.get()).containsEntry("namespace", "shop").containsEntry("name", "items-add-status");
        assertThat(after.get()).as("the thread's own context is restored").isNullOrEmpty();
    }

    @Test
    void withoutAContextTheTaskRunsAsItIs() {
        Runnable task = () -> { };
        assertThat(LogContext.capture().wrap(task)).isSameAs(task);
    }
}
