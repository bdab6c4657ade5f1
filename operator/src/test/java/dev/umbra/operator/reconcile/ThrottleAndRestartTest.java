package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.CopySpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.model.ThrottleSpec;
import dev.umbra.operator.playground.SampleTable;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** spec.throttle holds a migration and says why; an operator restart starts an interrupted run over. */
class ThrottleAndRestartTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static OperatorHarness harness;

    @BeforeAll
    static void startOperator() {
        harness = OperatorHarness.start();
    }

    @AfterEach
    void abortLeftovers() {
        harness.abortUnfinished();
    }

    @AfterAll
    static void stopOperator() {
        harness.close();
    }

    @EveryFlavor
    void maxLoadAboveItsLimitHoldsTheMigration(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        spec.setThrottle(new ThrottleSpec());
        spec.getThrottle().setMaxLoad("Threads_running=0"); // the check itself is a running thread
        harness.apply(namespace, "throttled", spec, Map.of());
        SchemaMigrationStatus throttled = harness.awaitStatus(namespace, "throttled",
                status -> Conditions.isTrue(status, Conditions.THROTTLED), "Throttled", TIMEOUT);
        assertThat(throttled.getThrottleReason()).startsWith("max load Threads_running=").endsWith(" > 0");
        assertThat(condition(throttled, Conditions.THROTTLED).getMessage()).isEqualTo(throttled.getThrottleReason());
        assertThat(harness.events(namespace, "throttled")).anyMatch(e -> e.startsWith("Throttled: "));

        harness.annotate(namespace, "throttled", Annotations.ABORT, "true");
        harness.awaitPhase(namespace, "throttled", MigrationPhase.ABORTED, TIMEOUT);
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
    }

    @EveryFlavor
    void aRunInterruptedByAnOperatorRestartStartsOverAndFinishes(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 16_000);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        spec.setCopy(new CopySpec());
        spec.getCopy().setChunkSize(10);
        harness.apply(namespace, "restarted", spec, Map.of());
        harness.awaitStatus(namespace, "restarted", status -> status.getPhase() == MigrationPhase.COPYING
                || status.getPhase() == MigrationPhase.AWAITING_CUT_OVER, "Copying", TIMEOUT);

        harness.restartOperator();
        harness.annotate(namespace, "restarted", Annotations.APPROVE_CUT_OVER, "true");
        SchemaMigrationStatus done = harness.awaitPhase(namespace, "restarted", MigrationPhase.DONE, TIMEOUT);
        assertThat(harness.events(namespace, "restarted")).anyMatch(e -> e.startsWith("Restarted: ")
                && e.contains("it starts over"));
        assertThat(done.getRowsCopied()).isGreaterThanOrEqualTo(16_000L);
        assertThat(Tables.createStatement(db, "items")).contains("`status`");
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("_items_del", "items", "items_mirror");
    }
}
