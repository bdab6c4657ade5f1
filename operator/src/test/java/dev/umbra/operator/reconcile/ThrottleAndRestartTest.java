package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.CopySpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.model.ThrottleSpec;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.MiddleRowLock;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

/** spec.throttle holds a migration and says why; an operator restart resumes an interrupted run from its checkpoint. */
class ThrottleAndRestartTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

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
        assertThat(condition(throttled, Conditions.THROTTLED).getReason()).as("what holds it").isEqualTo("MaxLoad");
        assertThat(java.time.Instant.parse(throttled.getThrottledSince())).isBefore(java.time.Instant.now());
        assertThat(harness.events(namespace, "throttled")).anyMatch(e -> e.startsWith("Throttled: "));

        harness.annotate(namespace, "throttled", Annotations.ABORT, "true");
        harness.awaitPhase(namespace, "throttled", MigrationPhase.ABORTED, TIMEOUT);
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
    }

    @EveryFlavor
    void aRunInterruptedByAnOperatorRestartResumesFromItsCheckpointAndFinishes(TestDatabase db) throws Exception {
        int rows = 16_000;
        SampleTable.create(db::connect, "items", rows);
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        spec.setCopy(new CopySpec());
        spec.getCopy().setChunkSize(10);
        spec.getCopy().setChunkTimeMillis(0); // fixed 10-row chunks: the copy stays mid-way where the test holds it
        SchemaMigrationStatus copying;
        // The middle row held: the copy is mid-way for as long as the test needs it to be.
        try (MiddleRowLock ignored = MiddleRowLock.hold(db, "items", rows)) {
            harness.apply(namespace, "restarted", spec, Map.of());
            copying = harness.awaitStatus(namespace, "restarted", status -> status.getPhase() == MigrationPhase.COPYING
                    && status.getCheckpoint() != null && status.getCheckpoint().getRowsCopied() >= 1_000
                    && status.getCheckpoint().getCopyRanges().get(0).getWatermark() != null, "a checkpoint mid-copy", TIMEOUT);
            // Paused before the row is let go, so the copy holds after its current chunk.
            harness.annotate(namespace, "restarted", Annotations.PAUSED, "true");
            harness.awaitStatus(namespace, "restarted", status -> Conditions.isTrue(status, Conditions.PAUSED), "Paused", TIMEOUT);
        }
        assertThat(copying.getCheckpoint().getBinlogFile()).isNotBlank();
        assertThat(copying.getHelperTables().getCheckpoint()).isEqualTo("_items_ghk");

        harness.restartOperator();
        assertThat(Tables.names(db)).contains("_items_gho", "_items_ghc", "_items_ghk");
        harness.removeAnnotation(namespace, "restarted", Annotations.PAUSED);
        harness.annotate(namespace, "restarted", Annotations.APPROVE_CUT_OVER, "true");
        // 1,600 chunks of 10 rows: on a loaded 2-core machine that can take a while
        SchemaMigrationStatus done = harness.awaitPhase(namespace, "restarted", MigrationPhase.DONE, TIMEOUT.multipliedBy(3));

        List<String> events = harness.events(namespace, "restarted");
        assertThat(events).anyMatch(e -> e.startsWith("Restarted: ") && e.contains("it resumes from its checkpoint"));
        String resumed = events.stream().filter(e -> e.startsWith("Copying: ") && e.contains("resumed from the checkpoint"))
                .findFirst().orElseThrow(() -> new AssertionError("no Event says the copy resumed: " + events));
        Matcher copiedBefore = Pattern.compile(": (\\d+) rows were copied").matcher(resumed);
        assertThat(copiedBefore.find()).as(resumed).isTrue();
        long copiedByFirstRun = Long.parseLong(copiedBefore.group(1));
        System.out.printf("[%s] the first run copied %d of %d rows; the run after the restart copied %d%n", db,
                copiedByFirstRun, rows, done.getRowsCopied() - copiedByFirstRun);
        // The stop saved a last checkpoint at the last chunk: nothing is copied twice.
        assertThat(copiedByFirstRun).isGreaterThanOrEqualTo(copying.getCheckpoint().getRowsCopied()).isLessThan(rows);
        assertThat(done.getRowsCopied()).isEqualTo(rows);
        assertThat(done.getCheckpoint()).isNull();
        assertThat(Tables.createStatement(db, "items")).contains("`status`");
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("_items_del", "items", "items_mirror");
    }
}
