package dev.umbra.engine.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What the engine logs on the diagnostics logger while it is open: the details kept out of messages. */
public final class DiagnosticsLog implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.umbra.diagnostics");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public DiagnosticsLog() {
        appender.start();
        logger.addAppender(appender);
    }

    public List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    public String all() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
