package dev.umbra.engine.cli;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code umbra} command line. {@link #main} runs it and exits with its exit code; everything
 * else (tests, embedding) runs it in-process with {@code new CommandLine(new UmbraCli()).execute(args)},
 * which returns the exit code and never exits the JVM.
 */
@Command(name = "umbra",
        mixinStandardHelpOptions = true,
        versionProvider = UmbraCli.Version.class,
        description = "Online schema changes for MySQL and MariaDB: a shadow table, a chunked row copy, binlog replay"
                + " and an atomic cut-over.",
        subcommands = {MigrateCommand.class, RevertCommand.class})
public final class UmbraCli implements Runnable {

    /** The migration reached Done, or a dry run passed inspection. */
    public static final int EXIT_OK = 0;
    /** The command line is wrong (picocli's usage error). */
    public static final int EXIT_USAGE = 2;
    /** Inspection refused the migration; nothing was changed. */
    public static final int EXIT_REFUSED = 3;
    /** The migration failed; the original table is intact. */
    public static final int EXIT_FAILED = 4;
    /** The migration was aborted (Ctrl-C); the original table is intact. */
    public static final int EXIT_ABORTED = 5;

    private final UnaryOperator<String> environment;
    private final boolean exitsProcess;

    @Spec
    private CommandSpec spec;

    /** A command that reads the real environment (UMBRA_PASSWORD) and runs in-process. */
    public UmbraCli() {
        this(System::getenv, false);
    }

    /**
     * A command that looks environment variables up through {@code environment} instead of
     * {@link System#getenv(String)} (for tests).
     */
    public UmbraCli(UnaryOperator<String> environment) {
        this(environment, false);
    }

    private UmbraCli(UnaryOperator<String> environment, boolean exitsProcess) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.exitsProcess = exitsProcess;
    }

    public static void main(String[] args) {
        System.setProperty(CliLogging.IN_THE_CLI, "true"); // before anything logs: logback reads it once
        StartUpInBackground.begin();
        // The binlog client logs through java.util.logging: send that to SLF4J (logback) too.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int exitCode = new CommandLine(new UmbraCli(System::getenv, true)).execute(args);
        System.exit(exitCode);
    }

    /** Looks up an environment variable; null when unset. */
    String environment(String name) {
        return environment.apply(name);
    }

    /**
     * Whether this command owns the process: then an interrupt (Ctrl-C) ends the JVM, once the
     * migration has been aborted and cleaned up, with the exit code of the aborted run.
     */
    boolean exitsProcess() {
        return exitsProcess;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command, e.g. 'umbra migrate --help'.");
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = UmbraCli.class.getPackage().getImplementationVersion();
            return new String[] {"umbra " + (version == null ? "(development build)" : version)};
        }
    }
}
