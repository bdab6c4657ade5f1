package dev.umbra.engine.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The {@code umbra} command line's logging, set up in code: INFO and up on stderr, one short line
 * per event (stdout is left to the command's own output, e.g. the dry-run plan). Reading the same
 * setup from XML took about 0.3 s of a dry run's 1 s (logback's XML configurator and the XML
 * parser it loads), measured by the benchmark's case (j).
 *
 * <p>Only the command line's own process is set up here: {@link UmbraCli#main} sets {@link
 * #IN_THE_CLI} first. Elsewhere (the operator, tests, an embedding application), and wherever
 * {@code -Dlogback.configurationFile} names a file, logback reads its configuration files as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class CliLogging extends ContextAwareBase implements Configurator {

    /** The system property that says this process is the command line. */
    static final String IN_THE_CLI = "umbra.cli";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(IN_THE_CLI) == null || System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // java.util.logging (the binlog client) is bridged into SLF4J in UmbraCli.main: keep JUL's
        // levels in step with these, so that filtered-out JUL records are not even created.
        LevelChangePropagator julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        julLevels.start();
        context.addListener(julLevels);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss} %-5level %logger{0}: %msg%n%nopex");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        context.getLogger("com.github.shyiko").setLevel(Level.WARN);
        // the session pool: its start and stop lines say nothing a user needs
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
