package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.plan.TableName;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.CleanupSpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Done migration never runs again; a second migration of a table waits for the first. */
class OnceAndOneAtATimeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    @EveryFlavor
    void doneMigrationUpdatedAndReappliedDoesNotRunAgain(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 500);
        String namespace = harness.namespaceFor(db);
        harness.apply(namespace, "once", OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1"),
                Map.of(Annotations.APPROVE_CUT_OVER, "true"));
        SchemaMigrationStatus done = harness.awaitPhase(namespace, "once", MigrationPhase.DONE, TIMEOUT);
        int events = harness.events(namespace, "once").size();

        // a GitOps re-sync: labels and annotations change, the spec is sent again (here even changed:
        // the mock server does not enforce the CEL rule that forbids that)
        harness.migration(namespace, "once").edit(migration -> {
            migration.getMetadata().setLabels(new HashMap<>(Map.of("synced", "again")));
            migration.getMetadata().getAnnotations().put("argocd.argoproj.io/sync", "1");
            migration.getSpec().setAlter("ADD COLUMN other INT");
            return migration;
        });
        SchemaMigration reapplied = harness.migration(namespace, "once").get();
        reapplied.getMetadata().setResourceVersion(null);
        harness.client().resource(reapplied).update();
        OperatorHarness.sleep(2_000);

        SchemaMigrationStatus after = harness.status(namespace, "once");
        assertThat(after.getPhase()).isEqualTo(MigrationPhase.DONE);
        assertThat(after.getPhaseStartTimes().getInspecting()).isEqualTo(done.getPhaseStartTimes().getInspecting());
        assertThat(harness.events(namespace, "once")).hasSize(events);
        assertThat(Tables.createStatement(db, "items")).contains("`status`").doesNotContain("`other`");
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("_items_del", "items", "items_mirror");
    }

    @EveryFlavor
    void secondMigrationOfATableWaitsInPendingNamingTheFirst(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 500);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec first = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        first.setCleanup(new CleanupSpec());
        first.getCleanup().setDropOldTable(true); // else the second is refused: its old-table name is taken
        harness.apply(namespace, "first", first, Map.of());
        harness.awaitPhase(namespace, "first", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);

        harness.apply(namespace, "second", OperatorHarness.spec(db, "items", "ADD INDEX idx_status (status)"),
                Map.of(Annotations.APPROVE_CUT_OVER, "true"));
        SchemaMigrationStatus waiting = harness.awaitStatus(namespace, "second", status -> status.getWaitingFor() != null,
                "waiting for the first", TIMEOUT);
        assertThat(waiting.getPhase()).isEqualTo(MigrationPhase.PENDING);
        assertThat(waiting.getWaitingFor()).isEqualTo(namespace + "/first");
        assertThat(waiting.getMessage()).contains("Waiting for SchemaMigration " + namespace + "/first").contains("`items`");
        assertThat(harness.events(namespace, "second")).anyMatch(e -> e.startsWith("Waiting: "));
        OperatorHarness.sleep(1_000);
        assertThat(harness.status(namespace, "second").getPhase()).isEqualTo(MigrationPhase.PENDING);

        harness.annotate(namespace, "first", Annotations.APPROVE_CUT_OVER, "true");
        harness.awaitPhase(namespace, "first", MigrationPhase.DONE, TIMEOUT);
        SchemaMigrationStatus second = harness.awaitStatus(namespace, "second", status -> status.getPhase().isFinal(),
                "an end", TIMEOUT);
        assertThat(second.getPhase()).as(second.getMessage()).isEqualTo(MigrationPhase.DONE);
        assertThat(second.getWaitingFor()).isNull();
        assertThat(Tables.createStatement(db, "items")).contains("`status`").contains("KEY `idx_status`");
    }

    /** A run outside this operator (the CLI, another operator) holds the table: Pending, naming it, then the run. */
    @EveryFlavor
    void aTableLockedByARunOutsideTheOperatorWaitsInPendingNamingTheHolder(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 500);
        String namespace = harness.namespaceFor(db);
        try (Connection otherRun = db.connect()) {
            long holder;
            try (PreparedStatement lock = otherRun.prepareStatement("SELECT GET_LOCK(?, 0), CONNECTION_ID()")) {
                lock.setString(1, MigrationLock.name(new TableName(db.schema(), "items")));
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    assertThat(row.getInt(1)).isEqualTo(1);
                    holder = row.getLong(2);
                }
            }
            harness.apply(namespace, "blocked", OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1"),
                    Map.of(Annotations.APPROVE_CUT_OVER, "true"));
            SchemaMigrationStatus waiting = harness.awaitStatus(namespace, "blocked", status -> status.getWaitingFor() != null,
                    "waiting for the table's lock", TIMEOUT);
            assertThat(waiting.getPhase()).isEqualTo(MigrationPhase.PENDING);
            assertThat(waiting.getWaitingFor()).startsWith("session " + holder + " (");
            assertThat(waiting.getMessage()).contains("Another Umbra migration of `" + db.schema() + "`.`items` is running")
                    .contains("session " + holder).contains("tries again");
            assertThat(Conditions.get(waiting, Conditions.READY).getReason()).isEqualTo("TableInUse");
            assertThat(harness.events(namespace, "blocked")).anyMatch(e -> e.startsWith("TableInUse: "));
            assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
        }
        // the other run ended (its session closed): the next try runs the migration
        SchemaMigrationStatus done = harness.awaitStatus(namespace, "blocked", status -> status.getPhase().isFinal(),
                "an end", TIMEOUT);
        assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(MigrationPhase.DONE);
        assertThat(done.getWaitingFor()).isNull();
        assertThat(Tables.createStatement(db, "items")).contains("`status`");
    }
}
