package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.ApprovalSpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.PlanStatus;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.KstatusRules;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableComparison;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The main path: a SchemaMigration applied under live writes waits in AwaitingCutOver, the
 * approval annotation lets it cut over, and the table then equals the writer's mirror. With
 * spec.approval.plan Manual it first shows its plan and waits in AwaitingPlanApproval with nothing
 * created on the server, until the plan's own annotation.
 */
class ApprovalLifecycleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    @EveryFlavor
    void appliedMigrationWaitsForApprovalThenMigratesUnderWrites(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 8_000);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX idx_qty (qty)");
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try {
            writer.start(2, 2);
            harness.apply(namespace, "items-add-status", spec, Map.of());

            SchemaMigrationStatus waiting = harness.awaitPhase(namespace, "items-add-status", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);
            assertThat(waiting.getPercent()).isEqualTo(100.0);
            assertThat(waiting.getRowsCopied()).isGreaterThan(0);
            assertThat(waiting.getHelperTables().getGhost()).isEqualTo("_items_gho");
            assertThat(waiting.getPhaseStartTimes().getPending()).isNotNull();
            assertThat(waiting.getPhaseStartTimes().getCopying()).isNotNull();
            assertThat(waiting.getObservedGeneration()).isEqualTo(1L);
            assertThat(waiting.getVerifyMillis()).as("the checksum before cut-over ran").isNotNull();
            assertThat(waiting.getVerifyRepairedChunks()).isZero();
            assertThat(condition(waiting, Conditions.CUT_OVER_APPROVED).getStatus()).isEqualTo("False");
            assertThat(Tables.names(db)).contains("_items_gho", "_items_ghc");
            OperatorHarness.sleep(1_500);
            assertThat(harness.status(namespace, "items-add-status").getPhase()).isEqualTo(MigrationPhase.AWAITING_CUT_OVER);
            long generation = harness.migration(namespace, "items-add-status").get().getMetadata().getGeneration();
            // Waiting for a person: generic tools (kstatus) see it stalled, with the reason.
            SchemaMigrationStatus awaiting = harness.status(namespace, "items-add-status");
            assertThat(KstatusRules.of(generation, awaiting)).isEqualTo("Failed");
            assertThat(condition(awaiting, Conditions.STALLED).getReason()).isEqualTo("AwaitingCutOverApproval");

            harness.annotate(namespace, "items-add-status", Annotations.APPROVE_CUT_OVER, "true");
            SchemaMigrationStatus done = harness.awaitPhase(namespace, "items-add-status", MigrationPhase.DONE, TIMEOUT);
            OperatorHarness.sleep(300); // writes after the cut-over land in the new table
            writer.close();

            assertThat(writer.errors()).isEmpty();
            assertThat(writer.operations()).isGreaterThan(20);
            assertThat(condition(done, Conditions.READY).getStatus()).as("%s", done.getConditions()).isEqualTo("True");
            assertThat(KstatusRules.of(generation, done)).as("%s", done.getConditions()).isEqualTo("Current");
            assertThat(condition(done, Conditions.CUT_OVER_APPROVED).getReason()).isEqualTo("ApprovedByAnnotation");
            assertThat(done.getCutOverAttempts()).isGreaterThanOrEqualTo(1);
            assertThat(done.getLastLockMillis()).isNotNull();
            assertThat(done.getPhaseStartTimes().getFinished()).isNotNull();
            assertThat(Tables.createStatement(db, "items")).contains("`status` tinyint").contains("KEY `idx_qty`");
            assertThat(Tables.names(db)).containsExactlyInAnyOrder("_items_del", "items", "items_mirror");
            TableComparison comparison = TableComparison.of(db::connect, "items");
            assertThat(comparison.equal()).as("%s", comparison).isTrue();
        } finally {
            writer.close();
        }
        assertThat(harness.events(namespace, "items-add-status")).extracting(event -> event.substring(0, event.indexOf(':')))
                .containsSubsequence("Pending", "Inspecting", "Copying", "AwaitingCutOver", "CutOverApproved", "CutOver", "Done");
    }

    /** The engine's failure kind, not its message, gives the reason of Ready, Stalled and the Event. */
    @EveryFlavor
    void aPlanThatNoLongerHoldsWhenApprovedFailsWithItsOwnReason(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE codes (id INT NOT NULL PRIMARY KEY, code INT NOT NULL, UNIQUE KEY by_code (code))",
                "INSERT INTO codes VALUES (1, 10), (2, 20), (3, 30)");
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "codes", "ADD COLUMN c INT NULL");
        ApprovalSpec approval = new ApprovalSpec();
        approval.setPlan(Approval.MANUAL);
        spec.setApproval(approval);
        harness.apply(namespace, "codes-plan", spec, Map.of());
        harness.awaitPhase(namespace, "codes-plan", MigrationPhase.AWAITING_PLAN_APPROVAL, TIMEOUT);

        db.execute("ALTER TABLE codes DROP PRIMARY KEY");
        harness.annotate(namespace, "codes-plan", Annotations.APPROVE_PLAN, "true");

        SchemaMigrationStatus failed = harness.awaitPhase(namespace, "codes-plan", MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("PlanChanged");
        assertThat(condition(failed, Conditions.STALLED).getReason()).isEqualTo("PlanChanged");
        assertThat(failed.getMessage()).contains("the table changed after its plan was approved");
        assertThat(harness.events(namespace, "codes-plan")).anyMatch(event -> event.startsWith("PlanChanged: "));
        assertThat(Tables.names(db)).containsExactly("codes");
    }

    @EveryFlavor
    void thePlanIsShownAndApprovedBeforeAnythingIsCreatedThenTheCutOver(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 4_000);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX idx_qty (qty)");
        ApprovalSpec approval = new ApprovalSpec();
        approval.setPlan(Approval.MANUAL);
        spec.setApproval(approval);
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try {
            writer.start(2, 2);
            harness.apply(namespace, "items-plan", spec, Map.of());

            SchemaMigrationStatus awaiting = harness.awaitPhase(namespace, "items-plan", MigrationPhase.AWAITING_PLAN_APPROVAL,
                    TIMEOUT);
            PlanStatus plan = awaiting.getPlan();
            assertThat(plan.getMethod()).isEqualTo("OnlineCopy");
            assertThat(plan.getKey()).isEqualTo("PRIMARY KEY (id)");
            assertThat(plan.getEstimatedRows()).isPositive();
            assertThat(plan.getEstimatedBytes()).isPositive();
            assertThat(plan.getEstimatedSize()).matches("\\d+(\\.\\d)? (bytes|KiB|MiB)");
            assertThat(plan.getEstimatedCopySeconds()).isPositive();
            assertThat(plan.getHelperTables().getGhost()).isEqualTo("_items_gho");
            assertThat(plan.getHelperTables().getOld()).isEqualTo("_items_del");
            assertThat(awaiting.getPhaseStartTimes().getAwaitingPlanApproval()).isNotNull();
            OperatorHarness.sleep(1_500);
            assertThat(harness.status(namespace, "items-plan").getPhase()).isEqualTo(MigrationPhase.AWAITING_PLAN_APPROVAL);
            assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
            long generation = harness.migration(namespace, "items-plan").get().getMetadata().getGeneration();
            SchemaMigrationStatus stalled = harness.status(namespace, "items-plan");
            assertThat(condition(stalled, Conditions.STALLED).getReason()).isEqualTo("AwaitingPlanApproval");
            assertThat(condition(stalled, Conditions.STALLED).getMessage()).contains(Annotations.APPROVE_PLAN);
            assertThat(KstatusRules.of(generation, stalled)).isEqualTo("Failed");

            harness.annotate(namespace, "items-plan", Annotations.APPROVE_PLAN, "true");
            SchemaMigrationStatus waitingForCutOver = harness.awaitPhase(namespace, "items-plan",
                    MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);
            assertThat(condition(waitingForCutOver, Conditions.PLAN_APPROVED).getReason()).isEqualTo("ApprovedByAnnotation");
            assertThat(condition(waitingForCutOver, Conditions.STALLED).getReason()).isEqualTo("AwaitingCutOverApproval");
            assertThat(waitingForCutOver.getPlan().getKey()).isEqualTo("PRIMARY KEY (id)");

            harness.annotate(namespace, "items-plan", Annotations.APPROVE_CUT_OVER, "true");
            harness.awaitPhase(namespace, "items-plan", MigrationPhase.DONE, TIMEOUT);
            OperatorHarness.sleep(300);
            writer.close();
            assertThat(writer.errors()).isEmpty();
            TableComparison comparison = TableComparison.of(db::connect, "items");
            assertThat(comparison.equal()).as("%s", comparison).isTrue();
        } finally {
            writer.close();
        }
        assertThat(harness.events(namespace, "items-plan")).extracting(event -> event.substring(0, event.indexOf(':')))
                .containsSubsequence("Pending", "Inspecting", "AwaitingPlanApproval", "PlanApproved", "Copying",
                        "AwaitingCutOver", "CutOverApproved", "Done");
    }

    @EveryFlavor
    void withoutPlanApprovalThePlanIsShownToo(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 500);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX idx_qty (qty)");
        harness.apply(namespace, "items-automatic", spec, Map.of());
        SchemaMigrationStatus waiting = harness.awaitPhase(namespace, "items-automatic", MigrationPhase.AWAITING_CUT_OVER,
                TIMEOUT);
        assertThat(waiting.getPlan().getMethod()).isEqualTo("OnlineCopy");
        assertThat(waiting.getPlan().getKey()).isEqualTo("PRIMARY KEY (id)");
        assertThat(waiting.getConditions()).noneMatch(c -> Conditions.PLAN_APPROVED.equals(c.getType()));
    }

    static Condition condition(SchemaMigrationStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type + " in " + status.getConditions()));
    }
}
