package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableComparison;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * By default a SchemaMigration first asks the server for an instant ALTER, which copies nothing and
 * still waits for the approval; the status says which path ran. MySQL 5.7 has no instant ALTER
 * and copies online.
 */
class InstantAlterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    @EveryFlavor
    void anAlterTheServerCanDoInstantlyCopiesNothingAndStillWaitsForApproval(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 5_000);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        spec.setInstantDdl(null); // as a manifest without the field: the default
        boolean instant = db.flavor() != Flavor.MYSQL_5_7;
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try {
            writer.start(2, 2);
            harness.apply(namespace, "items-instant", spec, Map.of());

            SchemaMigrationStatus waiting = harness.awaitPhase(namespace, "items-instant", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);
            if (instant) {
                assertThat(waiting.getStage()).isEqualTo("waiting for approval (instant ALTER)");
                assertThat(waiting.getRowsCopied()).as("rows copied").isZero();
                // the empty table the server was asked about; kept in case the instant ALTER falls through to the copy
                assertThat(Tables.names(db)).as("no changelog: no copy").containsExactlyInAnyOrder("_items_gho", "items", "items_mirror");
                assertThat(Tables.count(db, "_items_gho")).isZero();
            } else {
                assertThat(waiting.getRowsCopied()).as("rows copied").isPositive();
            }
            assertThat(Tables.createStatement(db, "items")).as("nothing changed before the approval").doesNotContain("`status`");

            harness.annotate(namespace, "items-instant", Annotations.APPROVE_CUT_OVER, "true");
            SchemaMigrationStatus done = harness.awaitPhase(namespace, "items-instant", MigrationPhase.DONE, TIMEOUT);
            OperatorHarness.sleep(300); // writes after the change land in the changed table
            writer.close();

            System.out.printf("[%s] %s: %s%n", db, done.getStage(), done.getMessage());
            assertThat(writer.errors()).isEmpty();
            assertThat(done.getStage()).isEqualTo(instant ? "done (instant ALTER)" : "done (online copy)");
            assertThat(done.getMessage()).contains(instant ? "instant ALTER" : "online copy");
            assertThat(Tables.createStatement(db, "items")).contains("`status` tinyint");
            assertThat(Tables.names(db)).containsExactlyInAnyOrder(instant
                    ? new String[] {"items", "items_mirror"} : new String[] {"_items_del", "items", "items_mirror"});
            TableComparison comparison = TableComparison.of(db::connect, "items");
            assertThat(comparison.equal()).as("%s", comparison).isTrue();
        } finally {
            writer.close();
        }
    }
}
