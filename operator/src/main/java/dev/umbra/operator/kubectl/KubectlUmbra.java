package dev.umbra.operator.kubectl;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl umbra}: lists SchemaMigrations, shows one, and approves, pauses, resumes, aborts or
 * reverts it by setting the annotations the operator reads. {@link #main} talks to the cluster of the
 * current kubeconfig context and exits with the exit code; tests call {@link #run}, which never
 * exits the JVM.
 *
 * <p>Exit codes: 0 done, 1 refused / not found / Kubernetes API error, 2 wrong command line.
 */
@Command(name = "kubectl umbra",
        mixinStandardHelpOptions = true,
        versionProvider = KubectlUmbra.Version.class,
        description = "Watch and steer Umbra SchemaMigrations (umbra.dev/v1alpha1).",
        subcommands = {ListCommand.class, StatusCommand.class, ApproveCommand.class, PauseCommand.class,
            ResumeCommand.class, AbortCommand.class, RevertCommand.class, PlanCommand.class})
public final class KubectlUmbra implements Runnable {

    public static final int EXIT_OK = 0;
    /** Refused, not found, or the Kubernetes API answered with an error. */
    public static final int EXIT_FAILED = 1;
    /** picocli's code for a wrong command line. */
    public static final int EXIT_USAGE = 2;

    private final Migrations migrations;
    private final Clock clock;

    @Spec
    private CommandSpec spec;

    private KubectlUmbra(KubernetesClient client, Clock clock) {
        this.migrations = new Migrations(client);
        this.clock = clock;
    }

    public static void main(String[] args) {
        // Before any logger exists: the jar's logback.xml is the operator's, which logs to stdout.
        System.setProperty("logback.configurationFile", "kubectl-umbra-logback.xml");
        int exitCode;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            exitCode = run(client, Clock.systemUTC(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        }
        System.exit(exitCode);
    }

    /** Runs one command against {@code client}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(KubernetesClient client, PrintWriter out, PrintWriter err, String... args) {
        return run(client, Clock.systemUTC(), out, err, args);
    }

    /** The same, with the clock that Event ages are measured against. */
    public static int run(KubernetesClient client, Clock clock, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new KubectlUmbra(client, clock));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof CommandFailure || exception instanceof KubernetesClientException) {
                failed.getErr().println(oneLine(exception, client));
                return EXIT_FAILED;
            }
            throw exception;
        });
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    Migrations migrations() {
        return migrations;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command, e.g. 'kubectl umbra list'.");
    }

    /** One line, no stack trace; an answer from the server in kubectl's own wording. */
    private static String oneLine(Exception exception, KubernetesClient client) {
        String text;
        if (exception instanceof KubernetesClientException api && api.getStatus() != null && api.getStatus().getMessage() != null) {
            Status status = api.getStatus();
            String reason = status.getReason() != null ? status.getReason() : String.valueOf(api.getCode());
            text = "Error from server (" + reason + "): " + status.getMessage();
        } else if (exception instanceof KubernetesClientException api && api.getCause() != null) {
            // Mostly no answer at all (unreachable, TLS, a wrong kubeconfig). The JDK's HTTP client
            // often leaves the messages empty, so the exception classes are what says why.
            List<String> causes = new ArrayList<>();
            for (Throwable cause = api.getCause(); cause != null; cause = cause.getCause()) {
                causes.add(cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            }
            text = "error: the request to the Kubernetes API server at " + client.getMasterUrl() + " failed ("
                    + String.join("; ", causes) + ")";
        } else if (exception instanceof KubernetesClientException) {
            text = "error: " + exception.getMessage();
        } else {
            text = exception.getMessage();
        }
        return text.replaceAll("\\s+", " ").trim();
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KubectlUmbra.class.getPackage().getImplementationVersion();
            return new String[] {"kubectl-umbra " + (version == null ? "(development build)" : version)};
        }
    }
}
