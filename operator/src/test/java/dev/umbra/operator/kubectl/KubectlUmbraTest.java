package dev.umbra.operator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.ApprovalSpec;
import dev.umbra.operator.model.PlanStatus;
import dev.umbra.operator.model.HelperTableNames;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.RevertSpec;
import dev.umbra.operator.model.RevertStatus;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.testing.MovableClock;
import dev.umbra.testkit.kubernetes.InProcessKubernetes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user of {@code kubectl umbra} relies on, against Fabric8's mock API server in CRUD mode: the
 * list and status show what the operator reported, and approve, pause, resume, abort and revert change
 * the one annotation they are about and nothing else, or refuse and change nothing.
 */
class KubectlUmbraTest {

    private static final String SHOP = "shop";
    private static final String BILLING = "billing";
    private static final Map<String, String> TEAM = Map.of("team", "payments");
    private static InProcessKubernetes kubernetes;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        kubernetes = InProcessKubernetes.start(SchemaMigrationCrd.definition());
        client = kubernetes.client();
    }

    @AfterAll
    static void stop() {
        kubernetes.close();
    }

    /** What one command printed and returned. */
    private record Run(int exitCode, String out, String err) {

        /** The table's rows, each split into its cells (columns are three or more spaces apart). */
        List<List<String>> rows() {
            return out.lines().map(line -> Arrays.asList(line.trim().split("\\s{3,}"))).toList();
        }
    }

    private static Run kubectlUmbra(String... args) {
        return kubectlUmbra(client, new MovableClock(), args);
    }

    private static Run kubectlUmbra(KubernetesClient against, MovableClock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = KubectlUmbra.run(against, clock, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void listShowsEachMigrationsPhaseProgressEtaLagAndWhatItWaitsFor() {
        create("list", "copying", "items", Map.of());
        setStatus("list", "copying", s -> {
            s.setPhase(MigrationPhase.COPYING);
            s.setProgress("42.0%");
            s.setPercent(42.0);
            s.setEta("12s");
            s.setLag("0.3s");
        });
        create("list", "queued", "items", Map.of());
        setStatus("list", "queued", s -> {
            s.setPhase(MigrationPhase.PENDING);
            s.setWaitingFor("list/copying");
        });
        create("list", "only-percent", "orders", Map.of());
        setStatus("list", "only-percent", s -> {
            s.setPhase(MigrationPhase.COPYING);
            s.setPercent(7.5);
        });
        create("list", "not-seen-yet", "users", Map.of());
        create(BILLING, "elsewhere", "invoices", Map.of());

        Run run = kubectlUmbra("list", "-n", "list");

        assertThat(run.exitCode()).isZero();
        assertThat(run.rows()).containsExactly(
                List.of("NAME", "TABLE", "PHASE", "PROGRESS", "ETA", "LAG", "WAITING FOR"),
                List.of("copying", "items", "Copying", "42.0%", "12s", "0.3s", "-"),
                List.of("not-seen-yet", "users", "-", "-", "-", "-", "-"),
                List.of("only-percent", "orders", "Copying", "7.5%", "-", "-", "-"),
                List.of("queued", "items", "Pending", "-", "-", "-", "list/copying"));
    }

    @Test
    void listWithoutANamespaceUsesTheContextsNamespace() {
        create(client.getNamespace(), "in-context-namespace", "items", Map.of());
        create(BILLING, "not-in-context-namespace", "items", Map.of());

        Run run = kubectlUmbra("list");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("in-context-namespace").doesNotContain("not-in-context-namespace");
    }

    @Test
    void listAllNamespacesShowsEachMigrationsNamespace() {
        create("all-a", "first", "items", Map.of());
        setStatus("all-a", "first", s -> s.setPhase(MigrationPhase.DONE));
        create("all-b", "second", "orders", Map.of());
        setStatus("all-b", "second", s -> s.setPhase(MigrationPhase.AWAITING_CUT_OVER));

        Run run = kubectlUmbra("list", "-A");

        assertThat(run.exitCode()).isZero();
        assertThat(run.rows().get(0)).containsExactly("NAMESPACE", "NAME", "TABLE", "PHASE", "PROGRESS", "ETA", "LAG", "WAITING FOR");
        assertThat(run.rows()).contains(
                List.of("all-a", "first", "items", "Done", "-", "-", "-", "-"),
                List.of("all-b", "second", "orders", "AwaitingCutOver", "-", "-", "-", "-"));
    }

    @Test
    void statusShowsTheStatusTheConditionsAndTheLastFiveEventsOfThisResourceOnly() {
        SchemaMigration migration = create(SHOP, "items-add-status", "items", Map.of());
        setStatus(SHOP, "items-add-status", s -> {
            s.setPhase(MigrationPhase.COPYING);
            s.setStage("copying rows");
            s.setProgress("42.0%");
            s.setRowsCopied(420L);
            s.setRowsEstimated(1000L);
            s.setEta("12s");
            s.setLag("0.3s");
            s.setThrottleReason("Threads_running=31 > 25");
            s.setThrottledSince("2026-12-04T10:07:00Z");
            s.setCutOverAttempts(2);
            s.setHelperTables(new HelperTableNames("_items_gho", "_items_ghc", "_items_del", "_items_ghk"));
            Conditions.set(s, Conditions.READY, false, "Copying", "copying rows");
            Conditions.set(s, Conditions.THROTTLED, true, "MaxLoad", "Threads_running=31 > 25");
        });
        SchemaMigration other = create(SHOP, "orders-add-index", "orders", Map.of());
        SchemaMigration earlierOfTheSameName = Serialization.clone(migration);
        earlierOfTheSameName.getMetadata().setUid("uid-of-a-deleted-resource");

        MovableClock clock = new MovableClock();
        Events events = new Events(client, clock);
        for (String reason : List.of("Pending", "Inspecting", "Copying", "Throttled", "ThrottleReleased", "Throttled",
                "ThrottleReleased", "Throttled", "AwaitingCutOver", "CutOverApproved")) {
            events.normal(migration, reason, reason + " happened");
            clock.advance(Duration.ofMinutes(1));
        }
        events.warning(other, "Failed", "the other migration failed");
        events.normal(earlierOfTheSameName, "Done", "the earlier migration of this name is done");
        clock.advance(Duration.ofSeconds(30));

        Run run = kubectlUmbra(client, clock, "status", "-n", SHOP, "items-add-status");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains(
                "Name:              shop/items-add-status",
                "Table:             items",
                "Phase:             Copying",
                "Stage:             copying rows",
                "Progress:          42.0% (420 rows copied of about 1000)",
                "ETA:               12s",
                "Apply lag:         0.3s",
                "Throttled:         Threads_running=31 > 25 (since 2026-12-04T10:07:00Z)",
                "Waiting for:       -",
                "Cut-over attempts: 2",
                "Helper tables:     ghost _items_gho, changelog _items_ghc, old _items_del, checkpoint _items_ghk",
                "  Ready=False Copying",
                "  Throttled=True MaxLoad");
        List<List<String>> eventRows = run.out().lines().dropWhile(line -> !line.startsWith("Events"))
                .skip(2).map(line -> Arrays.asList(line.trim().split("\\s{3,}"))).toList();
        assertThat(eventRows).as("newest last-seen first, repeats counted").containsExactly(
                List.of("1m30s ago", "Normal", "CutOverApproved", "1", "CutOverApproved happened"),
                List.of("2m30s ago", "Normal", "AwaitingCutOver", "1", "AwaitingCutOver happened"),
                List.of("3m30s ago", "Normal", "Throttled", "3", "Throttled happened"),
                List.of("4m30s ago", "Normal", "ThrottleReleased", "2", "ThrottleReleased happened"),
                List.of("8m30s ago", "Normal", "Copying", "1", "Copying happened"));
        assertThat(run.out()).doesNotContain("the other migration failed", "the earlier migration of this name is done");
    }

    @Test
    void approveSetsOnlyTheApproveAnnotation() {
        SchemaMigration before = create(SHOP, "approve-me", "items", TEAM);
        setStatus(SHOP, "approve-me", s -> s.setPhase(MigrationPhase.AWAITING_CUT_OVER));

        Run run = kubectlUmbra("approve", "-n", SHOP, "approve-me");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Approved the cut-over of SchemaMigration shop/approve-me");
        SchemaMigration after = read(SHOP, "approve-me");
        assertThat(after.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", Annotations.APPROVE_CUT_OVER, "true"));
        assertThat(Serialization.asJson(after.getSpec())).isEqualTo(Serialization.asJson(before.getSpec()));
        assertThat(after.getStatus().getPhase()).isEqualTo(MigrationPhase.AWAITING_CUT_OVER);
    }

    /** With spec.approval.plan Manual the plan is approved first, then (a second approve) the cut-over. */
    @Test
    void approveApprovesThePlanWhileItIsDueAndStatusShowsThePlan() {
        ApprovalSpec approval = new ApprovalSpec();
        approval.setPlan(Approval.MANUAL);
        create(SHOP, "plan-me", "items", TEAM, spec -> spec.setApproval(approval));
        setStatus(SHOP, "plan-me", s -> {
            s.setPhase(MigrationPhase.AWAITING_PLAN_APPROVAL);
            PlanStatus plan = new PlanStatus();
            plan.setMethod("OnlineCopy");
            plan.setKey("PRIMARY KEY (id)");
            plan.setEstimatedRows(1_200_000L);
            plan.setEstimatedSize("412 MiB");
            plan.setEstimatedCopy("21s");
            plan.setWarnings(List.of("triggers `t_stamp` (BEFORE INSERT) move to the new table at the cut-over, under its lock"));
            s.setPlan(plan);
        });

        Run status = kubectlUmbra("status", "-n", SHOP, "plan-me");
        assertThat(status.out()).containsPattern("Plan: +OnlineCopy by PRIMARY KEY \\(id\\)")
                .containsPattern("estimated: +1200000 rows, 412 MiB, copy about 21s")
                .containsPattern("note: +triggers `t_stamp`");

        Run plan = kubectlUmbra("approve", "-n", SHOP, "plan-me");
        assertThat(plan.exitCode()).isZero();
        assertThat(plan.out()).contains("Approved the plan of SchemaMigration shop/plan-me");
        assertThat(read(SHOP, "plan-me").getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", Annotations.APPROVE_PLAN, "true"));

        setStatus(SHOP, "plan-me", s -> s.setPhase(MigrationPhase.AWAITING_CUT_OVER));
        Run cutOver = kubectlUmbra("approve", "-n", SHOP, "plan-me");
        assertThat(cutOver.out()).contains("Approved the cut-over of SchemaMigration shop/plan-me");
        assertThat(read(SHOP, "plan-me").getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", Annotations.APPROVE_PLAN, "true", Annotations.APPROVE_CUT_OVER, "true"));
    }

    @Test
    void pauseAndResumeSetAndRemoveOnlyThePausedAnnotation() {
        SchemaMigration before = create(SHOP, "pause-me", "items", TEAM);

        Run paused = kubectlUmbra("pause", "-n", SHOP, "pause-me");

        assertThat(paused.exitCode()).isZero();
        assertThat(paused.out()).contains("Paused SchemaMigration shop/pause-me");
        assertThat(read(SHOP, "pause-me").getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", Annotations.PAUSED, "true"));

        Run resumed = kubectlUmbra("resume", "--namespace", SHOP, "pause-me");

        assertThat(resumed.exitCode()).isZero();
        assertThat(resumed.out()).contains("Resumed SchemaMigration shop/pause-me");
        SchemaMigration after = read(SHOP, "pause-me");
        assertThat(withValues(after.getMetadata().getAnnotations())).containsExactlyInAnyOrderEntriesOf(TEAM);
        assertThat(Serialization.asJson(after.getSpec())).isEqualTo(Serialization.asJson(before.getSpec()));
    }

    @Test
    void abortWithYesSetsOnlyTheAbortAnnotation() {
        SchemaMigration before = create(SHOP, "abort-me", "items", TEAM);
        setStatus(SHOP, "abort-me", s -> s.setPhase(MigrationPhase.COPYING));

        Run run = kubectlUmbra("abort", "-n", SHOP, "abort-me", "--yes");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Requested abort of SchemaMigration shop/abort-me");
        SchemaMigration after = read(SHOP, "abort-me");
        assertThat(after.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", Annotations.ABORT, "true"));
        assertThat(Serialization.asJson(after.getSpec())).isEqualTo(Serialization.asJson(before.getSpec()));
    }

    @Test
    void abortWithoutYesSaysWhatAbortDoesAndChangesNothing() {
        create(SHOP, "keep-me", "items", TEAM);
        setStatus(SHOP, "keep-me", s -> s.setPhase(MigrationPhase.COPYING));
        String resourceVersion = read(SHOP, "keep-me").getMetadata().getResourceVersion();

        Run run = kubectlUmbra("abort", "-n", SHOP, "keep-me");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("helper tables", "dropped", "original table stays as it is", "--yes");
        SchemaMigration after = read(SHOP, "keep-me");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(after.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(TEAM);
    }

    @Test
    void approveOfADoneMigrationIsRefusedAndChangesNothing() {
        create(SHOP, "already-done", "items", TEAM);
        setStatus(SHOP, "already-done", s -> s.setPhase(MigrationPhase.DONE));
        String resourceVersion = read(SHOP, "already-done").getMetadata().getResourceVersion();

        Run run = kubectlUmbra("approve", "-n", SHOP, "already-done");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("SchemaMigration shop/already-done is Done, which is final: nothing to approve.");
        SchemaMigration after = read(SHOP, "already-done");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(after.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(TEAM);
    }

    @Test
    void revertSetsOnlyTheRevertAnnotationWhileTheWindowIsOpen() {
        SchemaMigration before = create(SHOP, "revert-me", "items", TEAM, spec -> spec.setRevert(window("10m")));
        setStatus(SHOP, "revert-me", s -> {
            s.setPhase(MigrationPhase.DONE);
            s.setRevert(new RevertStatus("2026-12-04T10:17:00Z", 40L, true, null));
        });

        Run run = kubectlUmbra("revert", "-n", SHOP, "revert-me");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Requested the revert of SchemaMigration shop/revert-me (umbra.dev/revert=true)");
        SchemaMigration after = read(SHOP, "revert-me");
        assertThat(after.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", Annotations.REVERT, "true"));
        assertThat(Serialization.asJson(after.getSpec())).isEqualTo(Serialization.asJson(before.getSpec()));

        setStatus(SHOP, "revert-me", s -> Conditions.set(s, Conditions.REVERT_REQUESTED, true, "RequestedByAnnotation", "..."));
        assertThat(kubectlUmbra("revert", "-n", SHOP, "revert-me").out()).contains("already requested; nothing changed");
    }

    @Test
    void revertOutsideAnOpenWindowIsRefusedSayingWhyAndChangesNothing() {
        create(SHOP, "window-closed", "items", TEAM, spec -> spec.setRevert(window("10m")));
        setStatus(SHOP, "window-closed", s -> {
            s.setPhase(MigrationPhase.DONE);
            s.setRevert(new RevertStatus("2026-12-04T10:17:00Z", null, false, "the window ended at 2026-12-04T10:17:00Z"));
        });
        create(SHOP, "still-copying", "items", TEAM, spec -> spec.setRevert(window("10m")));
        setStatus(SHOP, "still-copying", s -> s.setPhase(MigrationPhase.COPYING));
        create(SHOP, "no-window", "items", TEAM);
        setStatus(SHOP, "no-window", s -> s.setPhase(MigrationPhase.DONE));
        String resourceVersion = read(SHOP, "window-closed").getMetadata().getResourceVersion();

        Run closed = kubectlUmbra("revert", "-n", SHOP, "window-closed");
        assertThat(closed.exitCode()).isEqualTo(1);
        assertThat(closed.err().strip()).isEqualTo("SchemaMigration shop/window-closed: Nothing was reverted: the revert window"
                + " is closed: the window ended at 2026-12-04T10:17:00Z. The table keeps its new definition; undo the change"
                + " with a new SchemaMigration.");
        assertThat(read(SHOP, "window-closed").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);

        assertThat(kubectlUmbra("revert", "-n", SHOP, "still-copying").err()).contains("is Copying and has not cut over yet");
        assertThat(kubectlUmbra("revert", "-n", SHOP, "no-window").err()).contains("spec.revert.window is 0");
        assertThat(read(SHOP, "still-copying").getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(TEAM);
        assertThat(read(SHOP, "no-window").getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(TEAM);
    }

    /** The operator ignores a revert annotation set before the window opened: the command clears it for a new one. */
    @Test
    void revertClearsAnAnnotationSetBeforeTheWindowOpenedSoThatTheNextRevertCounts() {
        Map<String, String> early = Map.of("team", "payments", Annotations.REVERT, "true");
        create(SHOP, "set-early", "items", early, spec -> spec.setRevert(window("10m")));
        setStatus(SHOP, "set-early", s -> {
            s.setPhase(MigrationPhase.DONE);
            s.setRevert(new RevertStatus("2026-12-04T10:17:00Z", 40L, true, null));
            Conditions.set(s, Conditions.REVERT_REQUESTED, false, "NotCutOverYet", "Nothing was reverted: ...");
        });

        Run run = kubectlUmbra("revert", "-n", SHOP, "set-early");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("set before the revert window opened", "Run 'kubectl umbra revert set-early' again");
        assertThat(withValues(read(SHOP, "set-early").getMetadata().getAnnotations())).containsExactlyInAnyOrderEntriesOf(TEAM);
    }

    @Test
    void statusShowsTheRevertWindowAndThePlansVerdict() {
        create(SHOP, "in-window", "items", Map.of(), spec -> spec.setRevert(window("10m")));
        setStatus(SHOP, "in-window", s -> {
            s.setPhase(MigrationPhase.DONE);
            s.setRevert(new RevertStatus("2026-12-04T10:17:00Z", 400L, true, null));
            PlanStatus plan = new PlanStatus();
            plan.setMethod("OnlineCopy");
            plan.setKey("PRIMARY KEY (id)");
            plan.setRevert("Reversible");
            plan.setRevertFindings(List.of("`remark` is added: its values are gone after a revert"));
            s.setPlan(plan);
        });

        Run run = kubectlUmbra("status", "-n", SHOP, "in-window");

        assertThat(run.out()).contains("Revert:            possible until 2026-12-04T10:17:00Z, old table 0.4s behind")
                .containsPattern("revert: +Reversible: `remark` is added: its values are gone after a revert");
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "approve", "pause", "resume", "abort", "revert"})
    void aMissingResourceIsNotFoundWithExitCode1(String command) {
        Run run = kubectlUmbra(command, "-n", SHOP, "no-such-migration");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("SchemaMigration shop/no-such-migration not found");
    }

    @Test
    void anApiErrorIsOneLineWithTheServersReason() {
        // the CRUD mock never answers 403: this one answers what it is told
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try (KubernetesClient forbidden = server.createClient()) {
            server.expect().get().withPath("/apis/umbra.dev/v1alpha1/namespaces/shop/schemamigrations/secret-table")
                    .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                            .withMessage("schemamigrations.umbra.dev \"secret-table\" is forbidden: User \"dev\" cannot get"
                                    + " resource \"schemamigrations\" in API group \"umbra.dev\" in the namespace \"shop\"")
                            .build())
                    .always();

            Run run = kubectlUmbra(forbidden, new MovableClock(), "status", "-n", SHOP, "secret-table");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("Error from server (Forbidden): schemamigrations.umbra.dev \"secret-table\""
                    + " is forbidden: User \"dev\" cannot get resource \"schemamigrations\" in API group \"umbra.dev\" in the"
                    + " namespace \"shop\"");
        } finally {
            server.destroy();
        }
    }

    @Test
    void anUnreachableApiServerIsOneLineWithoutAStackTrace() {
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0).build()).build()) {

            Run run = kubectlUmbra(unreachable, new MovableClock(), "list", "-n", SHOP);

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).startsWith("error: the request to the Kubernetes API server at http://127.0.0.1:1")
                    .contains("ConnectException").doesNotContain("\n", "\tat ");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(kubectlUmbra().exitCode()).isEqualTo(2);
    }

    private static RevertSpec window(String window) {
        RevertSpec revert = new RevertSpec();
        revert.setWindow(window);
        return revert;
    }

    private static SchemaMigration create(String namespace, String name, String table, Map<String, String> annotations) {
        return create(namespace, name, table, annotations, spec -> { });
    }

    private static SchemaMigration create(String namespace, String name, String table, Map<String, String> annotations,
                                          Consumer<SchemaMigrationSpec> specChange) {
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        SchemaMigration migration = new SchemaMigration();
        migration.getMetadata().setName(name);
        migration.getMetadata().setNamespace(namespace);
        migration.getMetadata().setAnnotations(annotations.isEmpty() ? null : Map.copyOf(annotations));
        SchemaMigrationSpec spec = new SchemaMigrationSpec();
        spec.setTable(table);
        spec.setAlter("ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        specChange.accept(spec);
        migration.setSpec(spec);
        return client.resource(migration).create();
    }

    private static void setStatus(String namespace, String name, Consumer<SchemaMigrationStatus> change) {
        client.resources(SchemaMigration.class).inNamespace(namespace).withName(name).editStatus(migration -> {
            SchemaMigrationStatus status = migration.getStatus() != null ? migration.getStatus() : new SchemaMigrationStatus();
            change.accept(status);
            migration.setStatus(status);
            return migration;
        });
    }

    /**
     * The annotations that have a value. The mock keeps a key that a merge patch sets to null, with
     * the value null, where an API server removes it (RFC 7386); to the operator both are unset.
     */
    private static Map<String, String> withValues(Map<String, String> annotations) {
        return annotations.entrySet().stream().filter(entry -> entry.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static SchemaMigration read(String namespace, String name) {
        return client.resources(SchemaMigration.class).inNamespace(namespace).withName(name).get();
    }
}
