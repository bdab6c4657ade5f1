package dev.umbra.engine.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.ServerSessions;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

class CutOverTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";

    @EveryFlavor
    void aLongTransactionMakesAnAttemptTimeOutWithinTheBoundThenARetrySucceeds(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        Duration lockTimeout = Duration.ofSeconds(2);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withCutOverLockTimeout(lockTimeout))).start();
        migration.awaitPhase(Phase.AWAITING_CUT_OVER, Duration.ofSeconds(60));

        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        long blockerId;
        try (Connection blocker = db.connect(); writer) {
            blockerId = ServerSessions.processlistId(blocker);
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.executeQuery("SELECT * FROM items WHERE id = 1 FOR UPDATE").close(); // holds a metadata lock
            }
            writer.start(2);
            migration.runner().control().approveCutOver();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (migration.runner().progress().cutOverAttempts() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(migration.runner().progress().cutOverAttempts()).isGreaterThanOrEqualTo(2);
            blocker.commit();
            done = migration.awaitEnd(Duration.ofSeconds(60));
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(migration.snapshots()).anySatisfy(progress ->
                assertThat(progress.message()).contains("Cut-over attempt 1 failed").containsIgnoringCase("lock wait timeout")
                        .contains("processlist id " + blockerId + " (user umbra"));
        System.out.printf("[%s] cut-over attempts %d, writer's longest stall %d ms (lock timeout %d ms)%n", db,
                done.cutOverAttempts(), writer.longestStall().toMillis(), lockTimeout.toMillis());
        // A blocked attempt holds writers for at most the lock timeout (plus scheduling slack).
        assertThat(writer.longestStall()).isLessThan(lockTimeout.plusMillis(1500));
        assertThat(writer.errors()).isEmpty();
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
    }

    @EveryFlavor
    void abortWhileAwaitingCutOverLeavesTheOriginalUntouchedAndTheHelpersGone(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        String definition = TableContents.createStatement(db, "items");
        List<String> tables = TableContents.tables(db);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false))).start();
        migration.awaitPhase(Phase.AWAITING_CUT_OVER, Duration.ofSeconds(60));
        assertThat(TableContents.tables(db)).contains("_items_gho", "_items_ghc");

        migration.runner().control().abort();
        MigrationAbortedException aborted = catchThrowableOfType(MigrationAbortedException.class,
                () -> migration.awaitEnd(Duration.ofSeconds(30)));

        assertThat(aborted).isNotNull();
        assertThat(migration.runner().progress().phase()).isEqualTo(Phase.ABORTED);
        assertThat(migration.runner().progress().message()).contains("original table is untouched");
        assertThat(TableContents.tables(db)).isEqualTo(tables);
        assertThat(TableContents.createStatement(db, "items")).isEqualTo(definition);
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
    }

    /** Failure mode 4: behind ProxySQL, CONNECTION_ID() is not the processlist id. */
    @EveryFlavor
    void cutOverSucceedsWhenSessionsHaveOtherPseudoThreadIds(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER));
        migration.runner().setSessionInitializer(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET @@session.pseudo_thread_id = " + ThreadLocalRandom.current().nextInt(100_000, 900_000));
            }
        });
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            writer.start(2);
            done = migration.start().awaitEnd(Duration.ofSeconds(60));
        }
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        assertThat(writer.errors()).isEmpty();
    }
}
