package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.table.HelperTables;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.CopySpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.testing.MiddleRowLock;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.OperatorInChildJvm;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableComparison;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's JVM killed ({@code kill -9}: a lost node, an OOM kill) while its migration copies,
 * and the next one in the middle of the cut-over's attempts, after it had caught up and waited for
 * the approval: no hand-over, no last checkpoint, the database just sees the sessions drop. Each next operator takes the
 * migration over from the status and the checkpoint it finds, under a writer that never stops, and
 * the last one finishes it with the table equal to the writer's mirror.
 */
class OperatorKilledTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    @RegisterExtension
    static final OperatorHarness api = OperatorHarness.apiOnlyPerTestClass();

    @EveryFlavor
    void anOperatorKilledInEachPhaseIsTakenOverAndTheMigrationFinishes(TestDatabase db)
            throws Exception {
        int rows = 6_000;
        SampleTable.create(db::connect, "items", rows);
        String namespace = api.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        spec.setCopy(new CopySpec());
        spec.getCopy().setChunkSize(100);
        spec.getCopy().setChunkTimeMillis(0);
        Path work = Path.of("target", "operator-in-child-jvm", db.toString()).toAbsolutePath();
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try {
            writer.start(2, 2);
            // The middle row held: the first operator is killed mid-copy however fast the machine is.
            try (MiddleRowLock ignored = MiddleRowLock.hold(db, "items", rows);
                 OperatorInChildJvm first = OperatorInChildJvm.start(api.client(), namespace, work)) {
                api.apply(namespace, "killed", spec, Map.of());
                awaitWhileAlive(first, namespace, status -> status.getPhase() == MigrationPhase.COPYING
                        && status.getCheckpoint() != null && status.getCheckpoint().getRowsCopied() > 0, "a checkpoint mid-copy");
                first.kill();
            }
            assertThat(api.status(namespace, "killed").getPhase()).isEqualTo(MigrationPhase.COPYING);

            // An open transaction on the table keeps the approved cut-over's lock from being granted:
            // its attempts time out and retry, and the second operator is killed in the middle of them.
            api.annotate(namespace, "killed", Annotations.APPROVE_CUT_OVER, "true");
            try (Connection reader = db.connect(); Statement statement = reader.createStatement()) {
                reader.setAutoCommit(false);
                statement.executeQuery("SELECT COUNT(*) FROM items").close();
                try (OperatorInChildJvm second = OperatorInChildJvm.start(api.client(), namespace, work)) {
                    awaitWhileAlive(second, namespace, status -> status.getPhase() == MigrationPhase.CUT_OVER
                            && status.getCutOverAttempts() != null && status.getCutOverAttempts() >= 1,
                            "a cut-over attempt after the first kill");
                    second.kill();
                }
                reader.rollback();
            }
            assertThat(Tables.createStatement(db, "items")).as("the killed cut-over left the original in place")
                    .doesNotContain("`status`");
            try (OperatorInChildJvm third = OperatorInChildJvm.start(api.client(), namespace, work)) {
                SchemaMigrationStatus done = awaitWhileAlive(third, namespace,
                        status -> status.getPhase().isFinal(), "the end");
                OperatorHarness.sleep(300);
                writer.close();
                assertThat(done.getPhase()).as("%s%n%s", done.getMessage(), third.output()).isEqualTo(MigrationPhase.DONE);
            }
        } finally {
            writer.close();
        }
        assertThat(writer.errors()).isEmpty();
        TableComparison comparison = TableComparison.of(db::connect, "items");
        assertThat(comparison.equal()).as("%s", comparison).isTrue();
        assertThat(Tables.createStatement(db, "items")).contains("`status`");
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("_items_del", "items", "items_mirror");
        List<String> events = api.events(namespace, "killed");
        System.out.printf("[%s] %s%n", db, String.join("\n  ", events));
        assertThat(events.stream().filter(event -> event.startsWith("Restarted: "))).hasSize(2);
        assertThat(events).anyMatch(event -> event.startsWith("Restarted: ") && event.contains("was Copying"))
                .anyMatch(event -> event.startsWith("Restarted: ") && event.contains("was CutOver"));
    }

    /**
     * The operator died after its cut-over swapped the tables, before it wrote Done: the next one
     * sees the swap in the tables' names and finishes, instead of failing the migration.
     */
    @EveryFlavor
    void aCutOverThatHadSwappedWhenItsOperatorDiedEndsDone(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        List<String> guards = HelperTables.cutOverGuards("items");
        db.execute("CREATE TABLE _items_gho LIKE items", "ALTER TABLE _items_gho ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                "INSERT INTO _items_gho (id, name, qty, updated_at, note) SELECT id, name, qty, updated_at, note FROM items",
                "CREATE TABLE _items_ghc (id INT PRIMARY KEY)", "CREATE TABLE _items_ghk (id INT PRIMARY KEY)",
                "RENAME TABLE items TO _items_del, _items_gho TO items",
                "CREATE TABLE `" + guards.get(0) + "` LIKE _items_del");
        String namespace = api.namespaceFor(db);
        api.apply(namespace, "swapped", OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1"), Map.of());
        api.migration(namespace, "swapped").editStatus(migration -> {
            SchemaMigrationStatus status = new SchemaMigrationStatus();
            status.setPhase(MigrationPhase.CUT_OVER);
            status.setMessage("CutOver: swapping tables");
            migration.setStatus(status);
            return migration;
        });
        try (OperatorInChildJvm operator = OperatorInChildJvm.start(api.client(), namespace,
                Path.of("target", "operator-in-child-jvm", db + "-swapped").toAbsolutePath())) {
            SchemaMigrationStatus done = awaitWhileAlive(operator, namespace, "swapped", status -> status.getPhase().isFinal(),
                    "the end");
            assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(MigrationPhase.DONE);
            assertThat(done.getMessage()).contains("after the tables were swapped").contains("kept as `_items_del`");
        }
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror", "_items_del");
    }

    private static SchemaMigrationStatus awaitWhileAlive(OperatorInChildJvm operator, String namespace,
                                                         Predicate<SchemaMigrationStatus> condition, String what) {
        return awaitWhileAlive(operator, namespace, "killed", condition, what);
    }

    private static SchemaMigrationStatus awaitWhileAlive(OperatorInChildJvm operator, String namespace, String name,
                                                         Predicate<SchemaMigrationStatus> condition, String what) {
        return operator.awaitStatus(api, namespace, name, condition, what, TIMEOUT);
    }
}
