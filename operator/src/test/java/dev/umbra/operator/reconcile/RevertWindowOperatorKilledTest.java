package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.RevertSpec;
import dev.umbra.operator.model.RevertStatus;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.OperatorInChildJvm;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableComparison;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator keeping a revert window killed ({@code kill -9}): the next operator takes the window
 * up from its checkpoint, and one killed in a revert's swap back is recognised from the tables'
 * names: the migration is never run again once its revert has swapped the tables back.
 */
class RevertWindowOperatorKilledTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String ALTER = "ADD COLUMN remark VARCHAR(20) NULL";

    @RegisterExtension
    static final OperatorHarness api = OperatorHarness.apiOnlyPerTestClass();

    /** Killed in the window: the next operator takes the window up from its checkpoint, and the revert works. */
    @EveryFlavor
    void aWindowWhoseOperatorWasKilledIsTakenUpByTheNextOneAndTheRevertLosesNoRow(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        String before = Tables.createStatement(db, "items").replaceAll(" AUTO_INCREMENT=\\d+", "");
        String namespace = api.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", ALTER);
        spec.setRevert(new RevertSpec());
        spec.getRevert().setWindow("10m");
        Path work = Path.of("target", "operator-in-child-jvm", db + "-revert-window").toAbsolutePath();
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try {
            writer.start(2, 2);
            try (OperatorInChildJvm first = OperatorInChildJvm.start(api.client(), namespace, work)) {
                api.apply(namespace, "window", spec, Map.of(Annotations.APPROVE_CUT_OVER, "true"));
                awaitWhileAlive(first, namespace, "window", RevertWindowOperatorKilledTest::windowOpen, "an open window");
                OperatorHarness.sleep(1_500); // past a checkpoint of the window
                first.kill();
            }
            OperatorHarness.sleep(500); // writes nothing keeps in step until the next operator
            assertThat(api.status(namespace, "window").getRevert().getReversible()).as("nothing closed it").isTrue();

            try (OperatorInChildJvm second = OperatorInChildJvm.start(api.client(), namespace, work)) {
                awaitWhileAlive(second, namespace, "window", status -> api.events(namespace, "window").stream()
                        .anyMatch(event -> event.startsWith("Restarted: ")), "the Restarted Event");
                awaitWhileAlive(second, namespace, "window", RevertWindowOperatorKilledTest::windowOpen, "the window taken up");
                api.annotate(namespace, "window", Annotations.REVERT, "true");
                SchemaMigrationStatus reverted = awaitWhileAlive(second, namespace, "window",
                        status -> status.getPhase() == MigrationPhase.REVERTED, "Reverted");
                OperatorHarness.sleep(300);
                writer.close();
                assertThat(condition(reverted, Conditions.READY).getReason()).isEqualTo("Reverted");
            }
        } finally {
            writer.close();
        }
        assertThat(writer.errors()).isEmpty();
        assertThat(Tables.createStatement(db, "items").replaceAll(" AUTO_INCREMENT=\\d+", "")).isEqualTo(before);
        TableComparison comparison = TableComparison.of(db::connect, "items");
        assertThat(comparison.equal()).as("%s", comparison).isTrue();
    }

    /** Killed after its revert swapped the tables back, before it wrote Reverted: the next one finds the swap. */
    @EveryFlavor
    void aRevertThatHadSwappedBackWhenItsOperatorDiedEndsReverted(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        // the tables as a revert's swap leaves them: the old definition has the name, the new one is the ghost
        db.execute("CREATE TABLE _items_gho LIKE items", "ALTER TABLE _items_gho ADD COLUMN remark VARCHAR(20) NULL",
                "INSERT INTO _items_gho (id, name, qty, updated_at, note) SELECT id, name, qty, updated_at, note FROM items",
                "CREATE TABLE _items_ghc (id INT PRIMARY KEY)", "CREATE TABLE _items_ghk (id INT PRIMARY KEY)");
        String before = Tables.createStatement(db, "items");
        String namespace = api.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", ALTER);
        spec.setRevert(new RevertSpec());
        spec.getRevert().setWindow("10m");
        api.apply(namespace, "swapped-back", spec, Map.of(Annotations.REVERT, "true"));
        api.migration(namespace, "swapped-back").editStatus(migration -> {
            SchemaMigrationStatus status = new SchemaMigrationStatus();
            status.setPhase(MigrationPhase.REVERTING);
            status.setMessage("Reverting: swapping the tables back");
            status.setRevert(new RevertStatus("2099-01-01T00:00:00Z", null, false, "reverting"));
            migration.setStatus(status);
            return migration;
        });
        try (OperatorInChildJvm operator = OperatorInChildJvm.start(api.client(), namespace,
                Path.of("target", "operator-in-child-jvm", db + "-swapped-back").toAbsolutePath())) {
            SchemaMigrationStatus reverted = awaitWhileAlive(operator, namespace, "swapped-back",
                    status -> status.getPhase().isFinal(), "the end");
            assertThat(reverted.getPhase()).as(reverted.getMessage()).isEqualTo(MigrationPhase.REVERTED);
            assertThat(reverted.getMessage()).contains("while a revert swapped the tables back: it had swapped them").contains("kept as `_items_gho`");
            assertThat(condition(reverted, Conditions.READY).getReason()).isEqualTo("Reverted");
        }
        assertThat(Tables.names(db)).as("not migrated again").containsExactlyInAnyOrder("items", "items_mirror", "_items_gho");
        assertThat(Tables.createStatement(db, "items")).isEqualTo(before);
    }

    private static boolean windowOpen(SchemaMigrationStatus status) {
        return status.getPhase() == MigrationPhase.DONE && status.getRevert() != null
                && Boolean.TRUE.equals(status.getRevert().getReversible());
    }

    private static SchemaMigrationStatus awaitWhileAlive(OperatorInChildJvm operator, String namespace, String name,
                                                         Predicate<SchemaMigrationStatus> condition, String what) {
        return operator.awaitStatus(api, namespace, name, condition, what, TIMEOUT);
    }
}
