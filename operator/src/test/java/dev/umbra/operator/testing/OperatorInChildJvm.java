package dev.umbra.operator.testing;

import dev.umbra.operator.UmbraOperator;
import dev.umbra.operator.model.SchemaMigrationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The operator's main program in a JVM of its own, against the tests' Kubernetes API, so that a
 * test can kill it as a lost node or an OOM kill would ({@code kill -9}: no shutdown hook, no
 * hand-over, no last checkpoint; the database sees its sessions drop) and start another.
 */
public final class OperatorInChildJvm implements AutoCloseable {

    private final Process process;
    private final Path output;

    private OperatorInChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@link UmbraOperator} watching {@code namespace} of the API {@code client} talks to. */
    public static OperatorInChildJvm start(KubernetesClient client, String namespace, Path workDirectory) throws IOException {
        Files.createDirectories(workDirectory);
        Path kubeconfig = workDirectory.resolve("kubeconfig");
        Files.writeString(kubeconfig, String.join("\n", List.of(
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: tests",
                "  cluster:",
                "    server: " + client.getMasterUrl().toString().replaceAll("/$", ""),
                "contexts:",
                "- name: tests",
                "  context:",
                "    cluster: tests",
                "    namespace: " + namespace,
                "current-context: tests",
                "")), StandardCharsets.UTF_8);
        Path output = Files.createTempFile(workDirectory, "operator-", ".log");
        // The C1 compiler alone and the serial collector: it starts sooner, and it is short-lived.
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), UmbraOperator.class.getName(),
                "--kubeconfig", kubeconfig.toString(), "--namespaces", namespace, "--http-port", "0")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().remove("UMBRA_LEADER_ELECTION");
        return new OperatorInChildJvm(builder.start(), output);
    }

    /** {@code kill -9}, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Polls the resource's status until {@code condition} holds; fails with the child's output if the
     * operator exits first or the time runs out.
     */
    public SchemaMigrationStatus awaitStatus(OperatorHarness api, String namespace, String name,
                                             Predicate<SchemaMigrationStatus> condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SchemaMigrationStatus status = api.migration(namespace, name).get() == null ? null : api.status(namespace, name);
            if (status != null && status.getPhase() != null && condition.test(status)) {
                return status;
            }
            if (!isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what + " (the operator "
                        + (isAlive() ? "runs" : "has exited") + "); status: "
                        + (status == null ? "none" : status.getPhase() + " " + status.getMessage()) + "\n" + output());
            }
            OperatorHarness.sleep(100);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the operator printed, for a failure message. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
