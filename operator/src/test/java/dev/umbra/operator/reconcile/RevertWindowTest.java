package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.CleanupSpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.RevertSpec;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableComparison;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The revert window after the cut-over (spec.revert): Done while the old table is kept in step, the
 * annotation swaps the tables back (Reverted, the old definition, every row written since), and a
 * window that ends leaves the table as it is with the old table's fate as spec.cleanup says. An
 * annotation outside the window changes nothing and says why.
 */
class RevertWindowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ALTER = "ADD COLUMN remark VARCHAR(20) NULL";

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    @EveryFlavor
    void aRevertWithinTheWindowGivesTheOldDefinitionBackWithEveryRowWrittenSinceTheCutOver(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        String before = withoutAutoIncrement(Tables.createStatement(db, "items"));
        String namespace = harness.namespaceFor(db);
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try {
            writer.start(2, 2);
            harness.apply(namespace, "items-revert", withWindow(OperatorHarness.spec(db, "items", ALTER), "10m"), Map.of());

            SchemaMigrationStatus awaiting = harness.awaitPhase(namespace, "items-revert", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);
            assertThat(awaiting.getPlan().getRevert()).isEqualTo("Reversible");
            assertThat(awaiting.getPlan().getRevertFindings()).anyMatch(finding -> finding.contains("`remark`"));
            assertThat(awaiting.getRevert()).as("no window before the cut-over").isNull();

            Instant approvedAt = Instant.now();
            harness.annotate(namespace, "items-revert", Annotations.APPROVE_CUT_OVER, "true");
            SchemaMigrationStatus open = harness.awaitStatus(namespace, "items-revert", RevertWindowTest::windowOpen,
                    "Done with the revert window open", TIMEOUT);
            assertThat(open.getPhase()).isEqualTo(MigrationPhase.DONE);
            assertThat(condition(open, Conditions.READY).getStatus()).isEqualTo("True");
            assertThat(Instant.parse(open.getRevert().getUntil()))
                    .isBetween(approvedAt.truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofMinutes(10)),
                            Instant.now().plus(Duration.ofMinutes(10)));
            assertThat(Tables.createStatement(db, "items")).contains("`remark`");
            assertThat(Tables.names(db)).contains("_items_del");

            // written only after the cut-over, into the table with the new definition (ids above the writer's)
            db.execute("INSERT INTO items (id, name, qty, updated_at, note, remark) VALUES"
                            + " (900001, 'after-cut-over', 7, '2026-01-01 00:00:00', 'kept', 'goes'),"
                            + " (900002, 'deleted-after-cut-over', 8, '2026-01-01 00:00:00', NULL, 'goes')",
                    "INSERT INTO items_mirror (id, name, qty, updated_at, note) VALUES"
                            + " (900001, 'after-cut-over', 7, '2026-01-01 00:00:00', 'kept'),"
                            + " (900002, 'deleted-after-cut-over', 8, '2026-01-01 00:00:00', NULL)",
                    "UPDATE items SET name = 'changed-after-cut-over', remark = 'goes' WHERE id = 900001",
                    "UPDATE items_mirror SET name = 'changed-after-cut-over' WHERE id = 900001",
                    "DELETE FROM items WHERE id = 900002", "DELETE FROM items_mirror WHERE id = 900002");
            long writesBefore = writer.operations();
            OperatorHarness.sleep(1_000);
            assertThat(writer.operations()).as("the writer goes on after the cut-over").isGreaterThan(writesBefore);

            SchemaMigrationStatus beforeRevert = harness.status(namespace, "items-revert");
            writer.takeLongestStall();
            harness.annotate(namespace, "items-revert", Annotations.REVERT, "true");
            SchemaMigrationStatus reverted = harness.awaitPhase(namespace, "items-revert", MigrationPhase.REVERTED, TIMEOUT);
            Duration revertStall = writer.takeLongestStall();
            OperatorHarness.sleep(300); // writes after the swap back land in the old table
            writer.close();
            System.out.printf("[%s] before the revert: phase %s, revert %s%n[%s] after: phase %s, revert %s, message: %s%n"
                            + "[%s] writer's longest stall from the annotation to Reverted: %d ms; writes %d%n",
                    db, beforeRevert.getPhase(), Serialization.asJson(beforeRevert.getRevert()), db, reverted.getPhase(),
                    Serialization.asJson(reverted.getRevert()), reverted.getMessage(), db, revertStall.toMillis(),
                    writer.operations());

            assertThat(writer.errors()).isEmpty();
            assertThat(withoutAutoIncrement(Tables.createStatement(db, "items"))).isEqualTo(before);
            assertThat(name(db, 900001)).isEqualTo("changed-after-cut-over");
            assertThat(name(db, 900002)).isNull();
            TableComparison comparison = TableComparison.of(db::connect, "items");
            assertThat(comparison.equal()).as("%s", comparison).isTrue();
            assertThat(reverted.getRevert().getReversible()).isFalse();
            assertThat(reverted.getPhaseStartTimes().getReverted()).isNotNull();
            assertThat(condition(reverted, Conditions.REVERT_REQUESTED).getStatus()).isEqualTo("True");
            assertThat(condition(reverted, Conditions.READY).getReason()).isEqualTo("Reverted");
            assertThat(condition(reverted, Conditions.STALLED).getReason()).isEqualTo("Reverted");
            assertThat(Tables.names(db)).as("the table with the new definition is kept (spec.cleanup)")
                    .containsExactlyInAnyOrder("items", "items_mirror", "_items_gho");
        } finally {
            writer.close();
        }
        assertThat(harness.events(namespace, "items-revert")).extracting(event -> event.substring(0, event.indexOf(':')))
                .containsSubsequence("AwaitingCutOver", "CutOverApproved", "CutOver", "Done", "RevertRequested", "Reverting",
                        "Reverted");
    }

    @EveryFlavor
    void aWindowThatEndsLeavesTheNewDefinitionDropsTheOldTableAsTheSpecSaysAndARevertThenSaysWhyNot(TestDatabase db)
            throws Exception {
        SampleTable.create(db::connect, "items", 500);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = withWindow(OperatorHarness.spec(db, "items", ALTER), "3s");
        spec.setCleanup(new CleanupSpec());
        spec.getCleanup().setDropOldTable(true);
        harness.apply(namespace, "items-short", spec, Map.of(Annotations.APPROVE_CUT_OVER, "true"));

        SchemaMigrationStatus closed = harness.awaitStatus(namespace, "items-short", status -> status.getRevert() != null
                && Boolean.FALSE.equals(status.getRevert().getReversible()), "Done with the revert window closed", TIMEOUT);
        assertThat(closed.getPhase()).isEqualTo(MigrationPhase.DONE);
        assertThat(closed.getRevert().getReason()).contains("window ended");
        assertThat(condition(closed, Conditions.READY).getStatus()).isEqualTo("True");
        assertThat(Tables.createStatement(db, "items")).contains("`remark`");
        assertThat(Tables.names(db)).as("the old table dropped (spec.cleanup.dropOldTable)")
                .containsExactlyInAnyOrder("items", "items_mirror");
        assertThat(harness.events(namespace, "items-short")).extracting(event -> event.substring(0, event.indexOf(':')))
                .containsSubsequence("Done", "RevertWindowClosed");

        harness.annotate(namespace, "items-short", Annotations.REVERT, "true");
        SchemaMigrationStatus refused = harness.awaitStatus(namespace, "items-short",
                status -> Conditions.get(status, Conditions.REVERT_REQUESTED) != null, "RevertRequested", TIMEOUT);
        assertThat(condition(refused, Conditions.REVERT_REQUESTED).getStatus()).isEqualTo("False");
        assertThat(condition(refused, Conditions.REVERT_REQUESTED).getReason()).isEqualTo("RevertWindowClosed");
        assertThat(condition(refused, Conditions.REVERT_REQUESTED).getMessage()).startsWith("Nothing was reverted: ")
                .contains("window ended");
        assertThat(refused.getPhase()).isEqualTo(MigrationPhase.DONE);
        assertThat(harness.events(namespace, "items-short")).anyMatch(event -> event.startsWith("RevertWindowClosed: Nothing"));
        assertThat(Tables.createStatement(db, "items")).contains("`remark`");
    }

    /** Set before the window opened, the annotation is refused then, and not acted on later until set anew. */
    @EveryFlavor
    void anAnnotationSetBeforeTheCutOverIsRefusedAndOnlyANewOneRevertsWithinTheWindow(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 500);
        String namespace = harness.namespaceFor(db);
        harness.apply(namespace, "items-early", withWindow(OperatorHarness.spec(db, "items", ALTER), "10m"), Map.of());
        harness.awaitPhase(namespace, "items-early", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);

        harness.annotate(namespace, "items-early", Annotations.REVERT, "true");
        SchemaMigrationStatus early = harness.awaitStatus(namespace, "items-early",
                status -> Conditions.get(status, Conditions.REVERT_REQUESTED) != null, "RevertRequested", TIMEOUT);
        assertThat(condition(early, Conditions.REVERT_REQUESTED).getReason()).isEqualTo("NotCutOverYet");
        assertThat(harness.events(namespace, "items-early")).anyMatch(event -> event.startsWith("NotCutOverYet: Nothing"));

        harness.annotate(namespace, "items-early", Annotations.APPROVE_CUT_OVER, "true");
        harness.awaitStatus(namespace, "items-early", RevertWindowTest::windowOpen, "Done with the revert window open", TIMEOUT);
        OperatorHarness.sleep(1_500);
        assertThat(harness.status(namespace, "items-early").getPhase()).as("the early annotation reverts nothing")
                .isEqualTo(MigrationPhase.DONE);
        assertThat(Tables.createStatement(db, "items")).contains("`remark`");

        harness.removeAnnotation(namespace, "items-early", Annotations.REVERT);
        OperatorHarness.sleep(500);
        harness.annotate(namespace, "items-early", Annotations.REVERT, "true");
        harness.awaitPhase(namespace, "items-early", MigrationPhase.REVERTED, TIMEOUT);
        assertThat(Tables.createStatement(db, "items")).doesNotContain("`remark`");
    }

    /**
     * An operator that stops in the window (a rolling update) leaves it open, and the next one takes
     * it up from the window's checkpoint: writes in between reach the old table, and the revert works.
     */
    @EveryFlavor
    void anOperatorRestartInTheWindowIsTakenUpByTheNextOneAndTheRevertStillWorks(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        String before = withoutAutoIncrement(Tables.createStatement(db, "items"));
        String namespace = harness.namespaceFor(db);
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try {
            writer.start(2, 2);
            harness.apply(namespace, "items-restart", withWindow(OperatorHarness.spec(db, "items", ALTER), "10m"),
                    Map.of(Annotations.APPROVE_CUT_OVER, "true"));
            harness.awaitStatus(namespace, "items-restart", RevertWindowTest::windowOpen, "Done with the revert window open",
                    TIMEOUT);

            harness.restartOperator();
            assertThat(harness.status(namespace, "items-restart").getRevert().getReversible())
                    .as("the stopping operator leaves the window open").isTrue();
            awaitEvent(namespace, "items-restart", "Restarted: ");
            harness.awaitStatus(namespace, "items-restart", RevertWindowTest::windowOpen, "the window taken up", TIMEOUT);
            OperatorHarness.sleep(1_000); // writes while the new run keeps the old table in step

            harness.annotate(namespace, "items-restart", Annotations.REVERT, "true");
            harness.awaitPhase(namespace, "items-restart", MigrationPhase.REVERTED, TIMEOUT);
            OperatorHarness.sleep(300);
            writer.close();

            assertThat(writer.errors()).isEmpty();
            assertThat(withoutAutoIncrement(Tables.createStatement(db, "items"))).isEqualTo(before);
            TableComparison comparison = TableComparison.of(db::connect, "items");
            assertThat(comparison.equal()).as("%s", comparison).isTrue();
        } finally {
            writer.close();
        }
        assertThat(harness.events(namespace, "items-restart")).extracting(event -> event.substring(0, event.indexOf(':')))
                .containsSubsequence("Done", "Restarted", "RevertRequested", "Reverted");
    }

    /** A migration without a window says so, Done or not. */
    @EveryFlavor
    void withoutAWindowARevertSaysThereIsNone(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 200);
        String namespace = harness.namespaceFor(db);
        harness.apply(namespace, "items-none", OperatorHarness.spec(db, "items", ALTER),
                Map.of(Annotations.APPROVE_CUT_OVER, "true"));
        SchemaMigrationStatus done = harness.awaitPhase(namespace, "items-none", MigrationPhase.DONE, TIMEOUT);
        assertThat(done.getRevert()).isNull();

        harness.annotate(namespace, "items-none", Annotations.REVERT, "true");
        SchemaMigrationStatus refused = harness.awaitStatus(namespace, "items-none",
                status -> Conditions.get(status, Conditions.REVERT_REQUESTED) != null, "RevertRequested", TIMEOUT);
        assertThat(condition(refused, Conditions.REVERT_REQUESTED).getReason()).isEqualTo("NoRevertWindow");
        assertThat(condition(refused, Conditions.REVERT_REQUESTED).getMessage()).contains("spec.revert.window is 0");
        assertThat(harness.events(namespace, "items-none")).anyMatch(event -> event.startsWith("NoRevertWindow: Nothing"));
    }

    private static void awaitEvent(String namespace, String name, String prefix) {
        harness.awaitStatus(namespace, name, status -> harness.events(namespace, name).stream()
                .anyMatch(event -> event.startsWith(prefix)), "an Event " + prefix, TIMEOUT);
    }

    private static boolean windowOpen(SchemaMigrationStatus status) {
        return status.getPhase() == MigrationPhase.DONE && status.getRevert() != null
                && Boolean.TRUE.equals(status.getRevert().getReversible());
    }

    private static SchemaMigrationSpec withWindow(SchemaMigrationSpec spec, String window) {
        RevertSpec revert = new RevertSpec();
        revert.setWindow(window);
        spec.setRevert(revert);
        return spec;
    }

    /** SHOW CREATE TABLE without its AUTO_INCREMENT counter, which every insert moves. */
    private static String withoutAutoIncrement(String createStatement) {
        return createStatement.replaceAll(" AUTO_INCREMENT=\\d+", "");
    }

    private static String name(TestDatabase db, long id) throws Exception {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT name FROM items WHERE id = " + id)) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
