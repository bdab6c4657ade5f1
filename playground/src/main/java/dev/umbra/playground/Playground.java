package dev.umbra.playground;

import dev.umbra.operator.OperatorSettings;
import dev.umbra.operator.UmbraOperatorRuntime;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.ApprovalSpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.PlanStatus;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.TestCertificates;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.sample.ConnectionSource;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableComparison;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Umbra's main job on an embedded default, in one command ({@code scripts/playground}): an embedded
 * MariaDB with a sample table under a live writer, the operator against an in-process Kubernetes API
 * (or a real cluster with {@code --kubeconfig}), {@code examples/add-column.yaml} applied, the
 * phases and a progress bar shown, the cut-over approved by annotation, and the table checked
 * against the writer's mirror. Exit code 0 when the migrated table equals the mirror. With
 * {@code --approve-plan} the plan is shown and approved first (spec.approval.plan Manual).
 */
public final class Playground {

    private static final int ROWS = 200_000;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PrintStream out = System.out;
    private final boolean terminal = System.console() != null;

    public static void main(String[] args) throws Exception {
        Path example = Path.of("examples", "add-column.yaml");
        Path kubeconfig = null;
        int rows = ROWS;
        boolean approvePlan = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kubeconfig" -> kubeconfig = Path.of(value(args, ++i, "--kubeconfig"));
                case "--example" -> example = Path.of(value(args, ++i, "--example"));
                case "--rows" -> rows = Integer.parseInt(value(args, ++i, "--rows"));
                case "--approve-plan" -> approvePlan = true;
                case "-h", "--help" -> {
                    System.out.println("Usage: scripts/playground [--kubeconfig FILE] [--example FILE] [--rows N] [--approve-plan]");
                    return;
                }
                default -> {
                    System.err.println("Unknown option " + args[i] + "; see --help");
                    System.exit(2);
                }
            }
        }
        boolean ok = new Playground().run(example, kubeconfig, rows, approvePlan);
        System.exit(ok ? 0 : 1);
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            System.err.println(flag + " needs a value");
            System.exit(2);
        }
        return args[index];
    }

    private TestCertificates certificates;

    private boolean run(Path example, Path kubeconfig, int rows, boolean approvePlan) throws Exception {
        SchemaMigration migration = load(example);
        SchemaMigrationSpec spec = migration.getSpec();
        if (approvePlan) {
            ApprovalSpec approval = spec.getApproval() == null ? new ApprovalSpec() : spec.getApproval();
            approval.setPlan(Approval.MANUAL);
            spec.setApproval(approval);
        }
        String namespace = migration.getMetadata().getNamespace() == null ? "default" : migration.getMetadata().getNamespace();
        String name = migration.getMetadata().getName();
        String schema = spec.getDatabase().getSchema();
        String table = spec.getTable();
        out.println("Umbra playground: an online ALTER under live writes, run by the operator as a SchemaMigration.");
        out.println();

        Instant began = Instant.now();
        certificates = TestCertificates.create(Files.createTempDirectory("umbra-playground-tls-"), DatabaseServer.HOST);
        DatabaseServer server = SharedServers.startPrivate(Flavor.MARIADB_11_4,
                ServerOptions.defaults().withArguments(certificates.serverArguments()));
        try {
            step("Database", Flavor.MARIADB_11_4.displayName() + " on " + server.host() + ":" + server.port()
                    + " with TLS (a certificate for " + DatabaseServer.HOST + " from a CA made for this run; embedded, from the"
                    + " testkit; started in " + seconds(Duration.between(began, Instant.now())) + ")");
            server.executeAsRoot("CREATE DATABASE `" + schema.replace("`", "``") + "`");
            ConnectionSource database = () -> server.connect(schema);
            Instant loading = Instant.now();
            SampleTable.create(database, table, rows);
            step("Table", String.format(Locale.ROOT, "%s.%s with %,d rows, and its mirror %s (loaded in %s)", schema, table, rows,
                    SampleTable.mirrorOf(table), seconds(Duration.between(loading, Instant.now()))));
            MirroredWriter writer = new MirroredWriter(database, table);
            writer.start(2, 3);
            step("Writer", "2 threads insert, update, re-key and delete rows, each change made to both tables in one transaction");
            try (PlaygroundCluster cluster = kubeconfig == null ? PlaygroundCluster.inProcess() : PlaygroundCluster.fromKubeconfig(kubeconfig)) {
                step("Kubernetes", cluster.description());
                cluster.ensureNamespace(namespace);
                OperatorSettings settings = OperatorSettings.defaults().withNamespaces(Set.of(namespace))
                        .withStatusInterval(Duration.ofMillis(250));
                try (UmbraOperatorRuntime operator = UmbraOperatorRuntime.start(cluster.client(), settings)) {
                    step("Operator", "running in this process, watching namespace " + namespace
                            + " (status written at most every 0.25 s here; 3 s by default)");
                    return migrate(cluster.client(), migration, server, database, writer, example);
                }
            } finally {
                writer.close();
            }
        } finally {
            server.kill();
        }
    }

    private boolean migrate(KubernetesClient client, SchemaMigration migration, DatabaseServer server, ConnectionSource database,
                            MirroredWriter writer, Path example) throws Exception {
        String namespace = migration.getMetadata().getNamespace() == null ? "default" : migration.getMetadata().getNamespace();
        String name = migration.getMetadata().getName();
        String table = migration.getSpec().getTable();
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
                .withName(migration.getSpec().getDatabase().getCredentialsSecretRef().getName()).withNamespace(namespace).endMetadata()
                .withStringData(Map.of("username", DatabaseServer.USER, "password", DatabaseServer.PASSWORD)).build())
                .createOr(NonDeletingOperation::update);
        Resource<SchemaMigration> resource = client.resources(SchemaMigration.class).inNamespace(namespace).withName(name);
        if (resource.get() != null) {
            resource.delete();
            resource.waitUntilCondition(existing -> existing == null, 60, java.util.concurrent.TimeUnit.SECONDS);
        }
        List<String> tlsObjects = PlaygroundTls.provide(client, namespace, migration.getSpec().getDatabase().getTls(), certificates);
        if (!tlsObjects.isEmpty()) {
            step("TLS", "created " + String.join(", ", tlsObjects) + ", as the example names them; every session uses "
                    + migration.getSpec().getDatabase().getTls().getMode());
        }
        migration.getMetadata().setNamespace(namespace);
        migration.getSpec().getDatabase().setHost(server.host());
        migration.getSpec().getDatabase().setPort(server.port());
        client.resource(migration).create();
        step("Applied", example + ": SchemaMigration " + namespace + "/" + name + " (its database host and port pointed at"
                + " the embedded server; the Secret it names holds the embedded server's login)");
        out.println();

        MigrationPhase shown = null;
        if (migration.getSpec().planApproval() == Approval.MANUAL) {
            SchemaMigrationStatus planned = follow(resource, null, MigrationPhase.AWAITING_PLAN_APPROVAL);
            if (planned.getPhase() != MigrationPhase.AWAITING_PLAN_APPROVAL) {
                return report(planned, writer, null, name);
            }
            printPlan(planned.getPlan());
            Thread.sleep(2_000); // nothing exists on the server for it yet; it waits until someone approves the plan
            out.println();
            step("Approve", "kubectl annotate schemamigration " + name + " " + Annotations.APPROVE_PLAN + "=true   (done by the"
                    + " playground)");
            resource.patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"annotations\":{\"" + Annotations.APPROVE_PLAN + "\":\"true\"}}}");
            out.println();
            shown = MigrationPhase.AWAITING_PLAN_APPROVAL;
        }
        SchemaMigrationStatus status = follow(resource, shown, MigrationPhase.AWAITING_CUT_OVER);
        if (status.getPhase() != MigrationPhase.AWAITING_CUT_OVER) {
            return report(status, writer, null, name);
        }
        Thread.sleep(2_000); // it waits, replaying the binlog, until someone approves
        out.println();
        step("Approve", "kubectl annotate schemamigration " + name + " " + Annotations.APPROVE_CUT_OVER + "=true   (done by the playground)");
        resource.patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + Annotations.APPROVE_CUT_OVER + "\":\"true\"}}}");
        out.println();
        status = follow(resource, MigrationPhase.AWAITING_CUT_OVER, MigrationPhase.DONE);
        Thread.sleep(500); // the writer goes on writing into the new table
        writer.close();
        TableComparison comparison = status.getPhase() == MigrationPhase.DONE ? TableComparison.of(database, table) : null;
        return report(status, writer, comparison, name);
    }

    /** The plan as status.plan shows it (kubectl umbra status prints the same). */
    private void printPlan(PlanStatus plan) {
        if (plan == null) {
            return;
        }
        out.println();
        step("Plan", plan.getMethod() + " by " + plan.getKey() + String.format(Locale.ROOT, ", about %,d rows", plan.getEstimatedRows())
                + ", " + plan.getEstimatedSize() + (plan.getEstimatedCopy() == null ? "" : ", copy about " + plan.getEstimatedCopy())
                + "; helper tables " + plan.getHelperTables().getGhost() + " and " + plan.getHelperTables().getChangelog()
                + ", old table kept as " + plan.getHelperTables().getOld());
        plan.getWarnings().forEach(warning -> step("", warning));
    }

    /** Prints each phase change and, while copying, the progress; returns at {@code until} or an end. */
    private SchemaMigrationStatus follow(Resource<SchemaMigration> resource, MigrationPhase shownAlready, MigrationPhase until)
            throws InterruptedException {
        MigrationPhase shown = shownAlready;
        String lastLine = "";
        long lastPrinted = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            SchemaMigration current = resource.get();
            SchemaMigrationStatus status = current == null || current.getStatus() == null ? new SchemaMigrationStatus() : current.getStatus();
            if (status.getPhase() != null && status.getPhase() != shown) {
                if (shown == MigrationPhase.COPYING) {
                    String last = ProgressLine.of(status); // the copy's end: 100%
                    out.print(terminal ? "\r  " + last + "   \n" : "  " + last + "\n");
                } else if (terminal && !lastLine.isEmpty()) {
                    out.println();
                }
                lastLine = "";
                shown = status.getPhase();
                out.printf("  %s  %-20s %s%n", CLOCK.format(Instant.now()), shown, status.getMessage() == null ? "" : status.getMessage());
            }
            if (shown == MigrationPhase.COPYING) {
                String line = ProgressLine.of(status);
                if (terminal && !line.equals(lastLine)) {
                    out.print("\r  " + line + "   ");
                    out.flush();
                    lastLine = line;
                } else if (!terminal && !line.equals(lastLine) && System.nanoTime() - lastPrinted > 500_000_000L) {
                    out.println("  " + line);
                    lastLine = line;
                    lastPrinted = System.nanoTime();
                }
            }
            if (shown == until || (shown != null && shown.isFinal())) {
                return status;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the migration did not reach " + until + " within " + TIMEOUT.toMinutes() + " minutes");
    }

    private boolean report(SchemaMigrationStatus status, MirroredWriter writer, TableComparison comparison, String name) {
        out.println();
        boolean ok = status.getPhase() == MigrationPhase.DONE && comparison != null && comparison.equal() && writer.errors().isEmpty();
        out.println("Summary");
        out.printf("  SchemaMigration  %s: %s%n", name, status.getMessage());
        if (status.getPlan() != null) {
            out.printf("  Plan             %s by %s%n", status.getPlan().getMethod(), status.getPlan().getKey());
        }
        if (status.getPhaseStartTimes() != null && status.getPhaseStartTimes().getCopying() != null
                && status.getPhaseStartTimes().getAwaitingCutOver() != null) {
            out.printf(Locale.ROOT, "  Copy             %,d rows in %s; %,d binlog changes applied%n", status.getRowsCopied(),
                    seconds(Duration.between(Instant.parse(status.getPhaseStartTimes().getCopying()),
                            Instant.parse(status.getPhaseStartTimes().getAwaitingCutOver()))), status.getEventsApplied());
        }
        if (status.getVerifyMillis() != null) {
            out.printf("  Checksum         %d ms, %d chunk(s) copied again%n", status.getVerifyMillis(),
                    status.getVerifyRepairedChunks());
        }
        if (status.getLastLockMillis() != null) {
            out.printf("  Cut-over         attempt %d, writers blocked %d ms%n", status.getCutOverAttempts(), status.getLastLockMillis());
        }
        out.printf(Locale.ROOT, "  Writer           %,d transactions during the run, %d errors%n", writer.operations(), writer.errors().size());
        writer.errors().stream().limit(3).forEach(error -> out.println("                   " + error));
        if (comparison != null) {
            out.printf(Locale.ROOT, "  Check            table %,d rows, mirror %,d rows, %,d rows differ: %s%n", comparison.tableRows(),
                    comparison.mirrorRows(), comparison.differingRows(), comparison.equal() ? "equal" : "DIFFERENT");
        }
        out.println(ok ? "  Result           OK: the table has the new definition and every write is in it."
                : "  Result           FAILED (see above)");
        return ok;
    }

    private void step(String what, String detail) {
        out.printf("%-11s %s%n", what, detail);
    }

    private static SchemaMigration load(Path example) throws Exception {
        if (!Files.exists(example)) {
            throw new IllegalArgumentException(example + " does not exist; run from the repository root or pass --example FILE");
        }
        try (InputStream in = Files.newInputStream(example)) {
            return new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(in, SchemaMigration.class);
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

}
