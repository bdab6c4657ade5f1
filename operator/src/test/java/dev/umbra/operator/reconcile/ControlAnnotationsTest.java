package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.CopySpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pause and resume, abort, and deletion (the finalizer), each acknowledged in status and Events. */
class ControlAnnotationsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    @EveryFlavor
    void pausedMigrationHoldsEvenWhenApprovedAndGoesOnWhenResumed(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        String namespace = harness.namespaceFor(db);
        harness.apply(namespace, "pausing", OperatorHarness.spec(db, "items", ALTER), Map.of());
        harness.awaitPhase(namespace, "pausing", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);

        harness.annotate(namespace, "pausing", Annotations.PAUSED, "true");
        harness.awaitStatus(namespace, "pausing", status -> Conditions.isTrue(status, Conditions.PAUSED), "Paused", TIMEOUT);
        harness.annotate(namespace, "pausing", Annotations.APPROVE_CUT_OVER, "true");
        SchemaMigrationStatus held = harness.awaitStatus(namespace, "pausing",
                status -> Conditions.isTrue(status, Conditions.CUT_OVER_APPROVED) && Conditions.isTrue(status, Conditions.THROTTLED),
                "CutOverApproved and Throttled", TIMEOUT);
        assertThat(held.getThrottleReason()).isEqualTo("paused by user");
        assertThat(condition(held, Conditions.THROTTLED).getReason()).isEqualTo("Paused");
        assertThat(held.getThrottledSince()).isNotNull();
        OperatorHarness.sleep(1_500);
        assertThat(harness.status(namespace, "pausing").getPhase()).as("paused: no cut-over").isEqualTo(MigrationPhase.AWAITING_CUT_OVER);

        harness.removeAnnotation(namespace, "pausing", Annotations.PAUSED);
        SchemaMigrationStatus done = harness.awaitPhase(namespace, "pausing", MigrationPhase.DONE, TIMEOUT);
        assertThat(condition(done, Conditions.PAUSED).getStatus()).isEqualTo("False");
        assertThat(done.getThrottleReason()).isNull();
        assertThat(Tables.createStatement(db, "items")).contains("`status` tinyint");
        assertThat(harness.events(namespace, "pausing")).anyMatch(e -> e.startsWith("Paused:")).anyMatch(e -> e.startsWith("Resumed:"));
    }

    @EveryFlavor
    void abortAnnotationEndsInAbortedWithTheTableUntouched(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        String before = Tables.createStatement(db, "items");
        String namespace = harness.namespaceFor(db);
        harness.apply(namespace, "aborting", OperatorHarness.spec(db, "items", ALTER), Map.of());
        harness.awaitPhase(namespace, "aborting", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);

        harness.annotate(namespace, "aborting", Annotations.ABORT, "true");
        SchemaMigrationStatus aborted = harness.awaitPhase(namespace, "aborting", MigrationPhase.ABORTED, TIMEOUT);
        assertThat(aborted.getMessage()).contains("Aborted").contains(Annotations.ABORT);
        assertThat(condition(aborted, Conditions.ABORT_REQUESTED).getStatus()).isEqualTo("True");
        assertThat(condition(aborted, Conditions.READY).getReason()).isEqualTo("Aborted");
        assertThat(Tables.createStatement(db, "items")).isEqualTo(before);
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
        assertThat(harness.events(namespace, "aborting")).anyMatch(e -> e.startsWith("AbortRequested:"))
                .anyMatch(e -> e.startsWith("Aborted:"));
    }

    @EveryFlavor
    void deletingACopyingMigrationDropsItsHelperTablesThenReleasesTheFinalizer(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 32_000);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", ALTER);
        spec.setCopy(new CopySpec());
        spec.getCopy().setChunkSize(10);
        spec.getCopy().setChunkTimeMillis(0); // fixed 10-row chunks: still copying when the pause lands
        harness.apply(namespace, "deleting", spec, Map.of());
        harness.awaitPhase(namespace, "deleting", MigrationPhase.COPYING, TIMEOUT);
        harness.annotate(namespace, "deleting", Annotations.PAUSED, "true"); // holds the copy, so it is still copying below
        SchemaMigrationStatus copying = harness.awaitStatus(namespace, "deleting",
                status -> Conditions.isTrue(status, Conditions.PAUSED), "Paused", TIMEOUT);
        assertThat(copying.getPhase()).isEqualTo(MigrationPhase.COPYING);
        assertThat(harness.migration(namespace, "deleting").get().getMetadata().getFinalizers())
                .contains(SchemaMigrationReconciler.FINALIZER);
        assertThat(Tables.names(db)).contains("_items_gho", "_items_ghc");

        harness.migration(namespace, "deleting").delete();
        harness.awaitGone(namespace, "deleting", TIMEOUT);
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
        assertThat(Tables.createStatement(db, "items")).doesNotContain("`status`");
        assertThat(harness.events(namespace, "deleting")).anyMatch(e -> e.startsWith("Deleting:"));
    }
}
