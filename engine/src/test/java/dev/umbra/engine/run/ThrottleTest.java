package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.plan.LoadLimits;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.plan.ThrottleOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.SleepingSessions;
import dev.umbra.engine.throttle.Hold;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The throttle holds copy and apply (nothing is written to the ghost table) while a replica lags
 * or the writer is loaded, says why and since when, and lets go when the cause is gone; a critical
 * load aborts with the original intact. Lag comes from a real replica whose SQL thread is stopped,
 * load from sessions running {@code SELECT SLEEP}.
 */
class ThrottleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> SHARED_COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";

    @EveryFlavor
    void aLaggingReplicaHoldsCopyAndApplyUntilItCatchesUp(TestDatabase flavor) throws Exception {
        try (DatabaseServer primary = SharedServers.startPrivate(flavor.flavor(), flavor.server().options());
             DatabaseServer replica = primary.startReplica();
             TestDatabase db = TestDatabase.on(primary)) {
            SampleTable.create(db::connect, "items", 2_000);
            MirroredWriter writer = new MirroredWriter(db::connect, "items");
            ReplicaAddress address = new ReplicaAddress(replica.host(), replica.port());
            MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withAutoApproveCutOver(true).withChunkSize(100)
                    .withThrottle(ThrottleOptions.none().withReplicas(List.of(address)).withMaxReplicaLag(Duration.ofMillis(1000)));
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options));
            CountDownLatch rangeRead = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            migration.runner().hooks().onPause(point -> {
                if (point == PausePoint.AFTER_RANGE_READ) {
                    rangeRead.countDown();
                    release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            });
            writer.start(2);
            try {
                migrateWhileTheReplicaLags(migration, replica, writer, db, rangeRead, release);
            } finally {
                writer.close();
                release.countDown();
            }
        }
    }

    private static void migrateWhileTheReplicaLags(BackgroundMigration migration, DatabaseServer replica,
                                                   MirroredWriter writer, TestDatabase db, CountDownLatch rangeRead,
                                                   CountDownLatch release) throws Exception {
        ReplicaAddress address = new ReplicaAddress(replica.host(), replica.port());
        migration.start();
        assertThat(rangeRead.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        MigrationRunner runner = migration.runner();
        await(() -> runner.throttler().current().isEmpty() && runner.throttler().replicaLags().containsKey(address.toString()),
                "the replica to have the heartbeat");
        assertThat(runner.progress().replicaLag()).as("each replica's lag, in the progress").containsKey(address.toString());

        replica.executeAsRoot("STOP SLAVE SQL_THREAD");
        await(() -> runner.throttler().current().isPresent(), "the replica's lag to hold the migration");
        release.countDown();
        await(() -> runner.progress().throttle().isPresent(), "the copy to hold");
        Progress held = runner.progress();
        // An apply batch that began before the throttle did may still commit: from the next batch on, none does.
        long ghostRows = settledGhostRows(db);
        Hold hold = held.throttle().orElseThrow();
        assertThat(hold.kind()).isEqualTo(Hold.Kind.REPLICA_LAG);
        assertThat(hold.reason())
                .startsWith("replica lag " + address + " ")
                .contains("ms > 1000 ms")
                .contains("SQL thread is stopped");
        long operationsBefore = writer.operations();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
        while (System.nanoTime() < deadline) {
            assertThat(runner.progress().rowsCopied()).isEqualTo(held.rowsCopied());
            assertThat(ghostRows(db)).as("rows in the ghost table while throttled").isEqualTo(ghostRows);
            assertThat(runner.progress().phase()).isEqualTo(Phase.COPYING);
            Thread.sleep(100);
        }
        assertThat(writer.operations()).as("the application kept writing").isGreaterThan(operationsBefore);
        assertThat(runner.progress().applyBacklog()).as("changes wait in the bounded buffer").isPositive();
        assertThat(since(runner.progress())).as("held since").isEqualTo(since(held));

        replica.executeAsRoot("START SLAVE SQL_THREAD");
        Progress done = migration.awaitEnd(TIMEOUT);
        writer.close();
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, "items", SHARED_COLUMNS))
                .isEqualTo(TableContents.rows(db, writer.mirror(), SHARED_COLUMNS));
        assertThat(writer.errors()).isEmpty();
    }

    @EveryFlavor
    void maxLoadHoldsWhileTheWriterIsBusy(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY, v INT)",
                "INSERT INTO items SELECT seq, seq FROM (" + numbers(500) + ") n");
        MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withAutoApproveCutOver(true).withChunkSize(50)
                .withThrottle(ThrottleOptions.none().withMaxLoad(LoadLimits.parse("Threads_running=12")));
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options));
        CountDownLatch rangeRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        migration.runner().hooks().onPause(point -> {
            if (point == PausePoint.AFTER_RANGE_READ) {
                rangeRead.countDown();
                release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        });
        migration.start();
        assertThat(rangeRead.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        MigrationRunner runner = migration.runner();
        SleepingSessions load = SleepingSessions.start(db, 14);
        try {
            await(() -> runner.throttler().current().isPresent(), "the load to hold the migration");
            release.countDown();
            await(() -> runner.progress().throttle().isPresent(), "the copy to hold");
            Hold hold = runner.progress().throttle().orElseThrow();
            assertThat(hold.kind()).isEqualTo(Hold.Kind.LOAD);
            assertThat(hold.reason()).matches("max load Threads_running=\\d+ > 12");
            assertThat(hold.since()).isBefore(java.time.Instant.now());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
            while (System.nanoTime() < deadline) {
                assertThat(runner.progress().rowsCopied()).isZero();
                assertThat(ghostRows(db)).isZero();
                Thread.sleep(100);
            }
        } finally {
            release.countDown();
            load.close();
        }
        Progress done = migration.awaitEnd(TIMEOUT);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.throttle()).isEmpty();
        assertThat(done.rowsCopied()).isEqualTo(500);
        assertThat(migration.snapshots()).anyMatch(p -> p.throttle().isPresent());
    }

    @EveryFlavor
    void criticalLoadAbortsNamingVariableValueAndLimit(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY, v INT)",
                "INSERT INTO items SELECT seq, seq FROM (" + numbers(200) + ") n");
        List<String> before = TableContents.rows(db, "items", List.of("id", "v"));
        MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withAutoApproveCutOver(true)
                .withThrottle(ThrottleOptions.none().withCriticalLoad(LoadLimits.parse("Threads_running=12")));
        SleepingSessions load = SleepingSessions.start(db, 14);
        try {
            MigrationRunner runner = new MigrationRunner(Migrations.plan(db, "items", ALTER, options), progress -> { });
            assertThatThrownBy(runner::run).isInstanceOf(MigrationAbortedException.class)
                    .hasMessageMatching("critical load Threads_running=\\d+ > 12 \\(criticalLoad\\)");
            assertThat(runner.progress().phase()).isEqualTo(Phase.ABORTED);
            assertThat(runner.progress().message()).contains("critical load Threads_running=")
                    .contains("the original table is untouched");
        } finally {
            load.close();
        }
        assertThat(TableContents.tables(db)).containsExactly("items");
        assertThat(TableContents.rows(db, "items", List.of("id", "v"))).isEqualTo(before);
        assertThat(TableContents.createStatement(db, "items")).doesNotContain("status");
    }

    private static java.time.Instant since(Progress progress) {
        return progress.throttle().orElseThrow().since();
    }

    private static long settledGhostRows(TestDatabase db) throws Exception {
        long previous = ghostRows(db);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            long now = ghostRows(db);
            if (now == previous) {
                return now;
            }
            previous = now;
        }
        throw new AssertionError("the ghost table kept changing while throttled");
    }

    private static long ghostRows(TestDatabase db) throws Exception {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM `_items_gho`")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** A derived table of the numbers 1..count in a column {@code seq}, on every flavor. */
    static String numbers(int count) {
        return "SELECT a.i * 100 + b.i * 10 + c.i + 1 AS seq FROM " + digits("a") + " CROSS JOIN " + digits("b")
                + " CROSS JOIN " + digits("c") + " WHERE a.i * 100 + b.i * 10 + c.i < " + count;
    }

    private static String digits(String alias) {
        return "(SELECT 0 i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5"
                + " UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) " + alias;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
