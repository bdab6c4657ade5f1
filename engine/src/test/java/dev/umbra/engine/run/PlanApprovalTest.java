package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.time.Duration;
import java.util.List;

/**
 * A plan that must be approved: the run inspects without creating anything, publishes the plan,
 * waits, and only then creates its helper tables; the plan is published on every run.
 */
class PlanApprovalTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final MigrationOptions PLAN_APPROVAL = MigrationOptions.defaults().withInstantDdl(false)
            .withAutoApproveCutOver(true).withPlanApprovalRequired(true).withChunkSize(200).withChunkTime(Duration.ZERO);

    @EveryFlavor
    void aPlanToApproveWaitsWithNothingCreatedAndTheRunGoesOnOnceApproved(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 3_000);
        db.execute("ANALYZE TABLE items");
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(2);
            BackgroundMigration run = new BackgroundMigration(Migrations.plan(db, "items", ALTER, PLAN_APPROVAL)).start();
            run.awaitPhase(Phase.AWAITING_PLAN_APPROVAL, TIMEOUT);

            RunPlan plan = run.runner().progress().plan().orElseThrow();
            assertThat(plan.method()).isEqualTo(RunPlan.Method.ONLINE_COPY);
            assertThat(plan.key()).isEqualTo("PRIMARY KEY (id)");
            assertThat(plan.estimatedRows()).isPositive();
            assertThat(plan.estimatedBytes()).isPositive();
            assertThat(plan.estimatedCopyTime()).isPresent();
            assertThat(plan.warnings()).as("fresh statistics, no relations, no time zone conversion").isEmpty();
            assertThat(List.of(plan.ghostTable(), plan.changelogTable(), plan.oldTable()))
                    .containsExactly("_items_gho", "_items_ghc", "_items_del");
            assertThat(run.runner().progress().message()).contains("OnlineCopy by PRIMARY KEY (id)")
                    .contains("nothing was created");
            assertThat(run.snapshots()).as("the phase is never shown without its message")
                    .filteredOn(progress -> progress.phase() == Phase.AWAITING_PLAN_APPROVAL).isNotEmpty()
                    .allSatisfy(progress -> assertThat(progress.message()).contains("OnlineCopy by PRIMARY KEY (id)"));
            Thread.sleep(1_500); // it stays there, and the application writes on
            assertThat(run.runner().progress().phase()).isEqualTo(Phase.AWAITING_PLAN_APPROVAL);
            assertThat(TableContents.tables(db)).containsExactlyInAnyOrder("items", "items_mirror");

            run.runner().control().approvePlan();
            Progress done = run.awaitEnd(TIMEOUT);
            writer.close();
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            RunPlan ran = done.plan().orElseThrow();
            assertThat(ran.differenceFrom(plan)).as("the plan run is the plan approved").isEmpty();
            assertThat(run.snapshots()).extracting(Progress::phase).containsSubsequence(Phase.INSPECTING,
                    Phase.AWAITING_PLAN_APPROVAL, Phase.INSPECTING, Phase.COPYING, Phase.DONE);
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
            assertThat(writer.errors()).isEmpty();
        }
    }

    @EveryFlavor
    void anAbortWhileThePlanWaitsLeavesNothing(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        BackgroundMigration run = new BackgroundMigration(Migrations.plan(db, "items", ALTER, PLAN_APPROVAL)).start();
        run.awaitPhase(Phase.AWAITING_PLAN_APPROVAL, TIMEOUT);
        run.runner().control().abort();
        assertThatThrownBy(() -> run.awaitEnd(TIMEOUT)).isInstanceOf(MigrationAbortedException.class);
        assertThat(run.runner().progress().phase()).isEqualTo(Phase.ABORTED);
        assertThat(run.runner().progress().message()).contains("before the plan was approved; nothing was created");
        assertThat(TableContents.tables(db)).containsExactlyInAnyOrder("items", "items_mirror");
        assertThat(TableContents.createStatement(db, "items")).doesNotContain("`status`");
    }

    /** The table changes between the plan and its approval so that the copy would take another key. */
    @EveryFlavor
    void anApprovedPlanThatNoLongerHoldsStopsTheRunBeforeAnyCopy(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, code INT NOT NULL, UNIQUE KEY by_code (code))");
        db.execute("INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
        BackgroundMigration run = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN c INT NULL", PLAN_APPROVAL)).start();
        run.awaitPhase(Phase.AWAITING_PLAN_APPROVAL, TIMEOUT);
        assertThat(run.runner().progress().plan().orElseThrow().key()).isEqualTo("PRIMARY KEY (id)");

        db.execute("ALTER TABLE t DROP PRIMARY KEY");
        run.runner().control().approvePlan();
        assertThatThrownBy(() -> run.awaitEnd(TIMEOUT)).isInstanceOf(MigrationFailedException.class);
        assertThat(run.runner().progress().failure()).contains(FailureKind.PLAN_CHANGED);
        assertThat(run.runner().progress().message()).contains("the table changed after its plan was approved")
                .contains("the key is now unique key `by_code` (code), not PRIMARY KEY (id)").contains("nothing was copied");
        assertThat(TableContents.tables(db)).containsExactly("t");
        assertThat(TableContents.createStatement(db, "t")).doesNotContain("`c`");
    }

    /** Without approval the plan is published as soon as inspection has it, and names the instant path where the server has one. */
    @EveryFlavor
    void everyRunPublishesItsPlanAndAnInstantAlterIsPlannedAsOne(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 500);
        MigrationOptions automatic = MigrationOptions.defaults().withAutoApproveCutOver(true);
        BackgroundMigration run = new BackgroundMigration(Migrations.plan(db, "items", ALTER, automatic)).start();
        assertThat(run.awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
        Progress firstWithPlan = run.snapshots().stream().filter(progress -> progress.plan().isPresent()).findFirst()
                .orElseThrow();
        RunPlan.Method expected = db.flavor() == Flavor.MYSQL_5_7 ? RunPlan.Method.ONLINE_COPY : RunPlan.Method.INSTANT;
        assertThat(firstWithPlan.phase()).isEqualTo(Phase.INSPECTING);
        assertThat(firstWithPlan.plan().orElseThrow().method()).isEqualTo(expected);
        assertThat(firstWithPlan.plan().orElseThrow().estimatedCopyTime().isPresent())
                .isEqualTo(expected == RunPlan.Method.ONLINE_COPY);
        assertThat(TableContents.createStatement(db, "items")).contains("`status`");
    }
}
