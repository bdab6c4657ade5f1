package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.checkpoint.Checkpoint;
import dev.umbra.engine.checkpoint.CopyRange;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A run killed mid-copy is resumed by the next run of the same migration from its checkpoint: the
 * rows copied before the crash are not copied again, and the result equals the writer's mirror. A
 * checkpoint that no longer fits (another ALTER, the ghost table gone, the binary logs purged) makes
 * the next run start over and say why.
 */
class ResumeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> SHARED_COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";

    @EveryFlavor
    void aRunKilledMidCopyUnderWritesIsResumedAndEqualsTheMirror(TestDatabase db) throws Exception {
        int rows = 20_000;
        SampleTable.create(db::connect, "items", rows);
        MigrationPlan plan = Migrations.plan(db, "items", ALTER, options(100));
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(4);
            Checkpoint saved = crashMidCopy(plan, 8_000);
            assertThat(TableContents.tables(db)).contains("_items_gho", "_items_ghc", "_items_ghk");
            Thread.sleep(300); // the application goes on writing while no migration runs

            BackgroundMigration second = new BackgroundMigration(plan).start();
            Progress done = second.awaitEnd(TIMEOUT);
            Thread.sleep(200);
            writer.close();

            long copiedBySecondRun = done.rowsCopied() - saved.rowsCopied();
            System.out.printf("[%s] first run copied %d rows before the crash; the second copied %d more (table %d rows),"
                    + " writer ops %d%n", db, saved.rowsCopied(), copiedBySecondRun, rows, writer.operations());
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(copyingMessages(second)).anyMatch(message -> message.contains("resumed from the checkpoint saved at "
                    + saved.savedAt()));
            assertThat(firstCopyingSnapshot(second).rowsCopied()).isEqualTo(saved.rowsCopied());
            assertThat(copiedBySecondRun).isPositive().isLessThan(rows - saved.rowsCopied() + 1_000);
            assertThat(TableContents.rows(db, "items", SHARED_COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(),
                    SHARED_COLUMNS));
            assertThat(writer.errors()).isEmpty();
            assertThat(TableContents.tables(db)).containsExactly("_items_del", "items", "items_mirror");
        }
    }

    /**
     * With instant DDL allowed (the default) and an ALTER the server cannot do instantly, the
     * resumed run must not rebuild its ghost table to ask: the rows the first run copied are in it,
     * and without the checksum nothing would copy them again.
     */
    @EveryFlavor
    void aResumeWithInstantDdlAllowedKeepsTheRowsTheFirstRunCopied(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 4_000);
        MigrationPlan plan = Migrations.plan(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX by_qty (qty)",
                options(100).withInstantDdl(true).withVerify(false));
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(2);
            Checkpoint saved = crashMidCopy(plan, 1_500);
            BackgroundMigration second = new BackgroundMigration(plan).start();
            Progress done = second.awaitEnd(TIMEOUT);
            writer.close();
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(firstCopyingSnapshot(second).rowsCopied()).isEqualTo(saved.rowsCopied());
            assertThat(TableContents.rows(db, "items", SHARED_COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(),
                    SHARED_COLUMNS));
            assertThat(writer.errors()).isEmpty();
        }
    }

    @EveryFlavor
    void anotherAlterOrAMissingGhostTableStartsOverAndSaysWhy(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 3_000);
        crashMidCopy(Migrations.plan(db, "items", ALTER, options(50)), 1_000);

        BackgroundMigration otherAlter = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN other INT NULL", options(50))).start();
        assertThat(otherAlter.awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
        assertThat(copyingMessages(otherAlter)).anyMatch(message -> message.contains("started over")
                && message.contains("the ALTER differs from the one the checkpoint was saved for (`" + ALTER + "`)"));
        assertThat(TableContents.createStatement(db, "items")).contains("`other`").doesNotContain("`status`");
        assertThat(firstCopyingSnapshot(otherAlter).rowsCopied()).isZero();

        db.execute("DROP TABLE _items_del");
        crashMidCopy(Migrations.plan(db, "items", ALTER, options(50)), 1_000);
        db.execute("DROP TABLE _items_gho");
        BackgroundMigration ghostGone = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options(50))).start();
        Progress done = ghostGone.awaitEnd(TIMEOUT);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.rowsCopied()).isEqualTo(3_000);
        assertThat(copyingMessages(ghostGone)).anyMatch(message -> message.contains("started over")
                && message.contains("the ghost table `_items_gho` is missing"));
        assertThat(TableContents.createStatement(db, "items")).contains("`other`").contains("`status`");
        assertThat(TableContents.tables(db)).containsExactly("_items_del", "items", "items_mirror");
    }

    @EveryFlavor
    void purgedBinaryLogsStartOverAndSayWhy(TestDatabase db) throws Exception {
        resumeThenPurge(db.flavor(), ServerOptions.defaults());
    }

    /** Without GTIDs (MySQL), the file and offset are resumed on the server that wrote them. */
    @EveryFlavor
    void withoutGtidsFileAndOffsetAreResumedAndAPurgedFileStartsOver(TestDatabase db) throws Exception {
        resumeThenPurge(db.flavor(), ServerOptions.withoutGtid());
    }

    /**
     * On a server of its own: a crashed run is resumed to Done; a second crashed run whose binary
     * logs are purged before the next run starts over, saying why.
     */
    private static void resumeThenPurge(dev.umbra.testkit.Flavor flavor, ServerOptions serverOptions) throws Exception {
        try (DatabaseServer server = SharedServers.startPrivate(flavor, serverOptions)) {
            server.executeAsRoot("CREATE DATABASE purge_test");
            try (Connection connection = server.connect("purge_test"); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL)");
                statement.execute("INSERT INTO items (name) VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g'), ('h')");
                for (int i = 0; i < 8; i++) {
                    statement.execute("INSERT INTO items (name) SELECT CONCAT(name, 'x') FROM items");
                }
            }
            MigrationPlan plan = new MigrationPlan(new ConnectionSettings(server.host(), server.port(), DatabaseServer.USER,
                    DatabaseServer.PASSWORD), "purge_test", "items", ALTER, options(20));

            Checkpoint saved = crashMidCopy(plan, 500);
            assertThat(saved.appliedPosition().hasGtids()).isEqualTo(serverOptions.gtid() || flavor.id().startsWith("mariadb"));
            BackgroundMigration resumed = new BackgroundMigration(plan).start();
            assertThat(resumed.awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
            assertThat(copyingMessages(resumed)).anyMatch(message -> message.contains("resumed from the checkpoint"));

            server.executeAsRoot("DROP TABLE purge_test._items_del");
            MigrationPlan another = new MigrationPlan(plan.connection(), plan.schema(), plan.table(), "ADD COLUMN other INT NULL",
                    plan.options());
            crashMidCopy(another, 500);
            try (Connection root = server.connectAsRoot(); Statement statement = root.createStatement()) {
                statement.execute("INSERT INTO purge_test.items (name) VALUES ('written after the crash')");
                purgeEveryBinaryLogButTheNewest(statement);
            }
            BackgroundMigration again = new BackgroundMigration(another).start();
            Progress done = again.awaitEnd(TIMEOUT);
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(done.rowsCopied()).isEqualTo(8 * 256 + 1);
            assertThat(copyingMessages(again)).anyMatch(message -> message.contains("started over")
                    && message.contains("purged"));
        }
    }

    /**
     * A dry run reports a valid checkpoint and drops nothing; with resuming off the helper tables are
     * refused as stale; a run stopped for resume saves a last checkpoint at its last chunk, and the
     * next run goes on exactly from there.
     */
    @EveryFlavor
    void dryRunNoResumeAndStopForResume(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 3_000);
        MigrationPlan plan = Migrations.plan(db, "items", ALTER, options(50));
        crashMidCopy(plan, 1_000);
        List<String> helpers = List.of("_items_ghc", "_items_ghk", "_items_gho", "items", "items_mirror");

        MigrationRunner dryRun = new MigrationRunner(plan, dev.umbra.engine.progress.ProgressListener.NONE);
        assertThat(dryRun.inspectOnly().resumedCheckpoint()).isPresent();
        assertThat(dryRun.progress().message()).contains("a real run resumes from it").contains("Nothing was changed");
        assertThat(TableContents.tables(db)).containsExactlyElementsOf(helpers);

        MigrationPlan noResume = Migrations.plan(db, "items", ALTER, options(50).withResume(false));
        assertThatThrownBy(() -> new MigrationRunner(noResume, dev.umbra.engine.progress.ProgressListener.NONE).run())
                .isInstanceOf(MigrationRefusedException.class).hasMessageContaining("`_items_gho` already exists")
                .hasMessageContaining("--no-resume");
        assertThat(TableContents.tables(db)).containsExactlyElementsOf(helpers);

        BackgroundMigration stopped = new BackgroundMigration(plan);
        MigrationRunner runner = stopped.runner();
        runner.setExternalThrottle(() -> runner.progress().rowsCopied() >= 2_000
                ? Optional.of("held by the test") : Optional.empty());
        stopped.start();
        await(() -> Optional.of(runner.progress()).filter(progress -> progress.rowsCopied() >= 2_000), "2,000 rows copied");
        runner.control().stopForResume("the test stops it");
        assertThatThrownBy(() -> stopped.awaitEnd(TIMEOUT)).isInstanceOf(MigrationAbortedException.class);
        Progress last = runner.progress();
        assertThat(last.message()).contains("resumes from it");
        assertThat(last.checkpoint().orElseThrow().rowsCopied()).isEqualTo(last.rowsCopied());
        assertThat(TableContents.tables(db)).containsExactlyElementsOf(helpers);

        BackgroundMigration finished = new BackgroundMigration(plan).start();
        Progress done = finished.awaitEnd(TIMEOUT);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(firstCopyingSnapshot(finished).rowsCopied()).isEqualTo(last.rowsCopied());
        assertThat(done.rowsCopied()).isEqualTo(3_000);
        assertThat(TableContents.rows(db, "items", SHARED_COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror",
                SHARED_COLUMNS));
        assertThat(TableContents.tables(db)).containsExactly("_items_del", "items", "items_mirror");
    }

    /**
     * Rotates and purges until only the newest binary log is left. A server may keep a log a little
     * longer (MariaDB until its binlog checkpoint has passed it, any server while a dump thread of
     * a vanished client still reads it), so this retries for a while.
     */
    private static void purgeEveryBinaryLogButTheNewest(Statement statement) throws Exception {
        statement.execute("FLUSH BINARY LOGS");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String newest;
            try (ResultSet row = statement.executeQuery("SHOW MASTER STATUS")) {
                row.next();
                newest = row.getString(1);
            }
            statement.execute("PURGE BINARY LOGS TO '" + newest + "'");
            List<String> left = new ArrayList<>();
            try (ResultSet row = statement.executeQuery("SHOW BINARY LOGS")) {
                while (row.next()) {
                    left.add(row.getString(1));
                }
            }
            if (left.equals(List.of(newest))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server kept " + left + " after PURGE BINARY LOGS TO '" + newest + "'");
            }
            Thread.sleep(100);
        }
    }

    private static MigrationOptions options(int chunkSize) {
        return MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withChunkSize(chunkSize).withAutoApproveCutOver(true)
                .withCheckpointInterval(Duration.ofMillis(100));
    }

    /**
     * Runs the migration until {@code holdAfterRows} rows are copied, holds the copy there (the
     * test's throttle), waits until a checkpoint covers those rows, and kills the run without any
     * clean-up. Returns the last checkpoint it saved.
     */
    static Checkpoint crashMidCopy(MigrationPlan plan, long holdAfterRows) throws Exception {
        BackgroundMigration migration = new BackgroundMigration(plan);
        MigrationRunner runner = migration.runner();
        runner.setExternalThrottle(() -> runner.progress().rowsCopied() >= holdAfterRows
                ? Optional.of("held by the test") : Optional.empty());
        migration.start();
        Checkpoint saved = await(() -> runner.progress().checkpoint()
                .filter(checkpoint -> checkpoint.rowsCopied() >= holdAfterRows)
                .filter(checkpoint -> checkpoint.copyRange().map(CopyRange::watermark).isPresent()), "a checkpoint after "
                + holdAfterRows + " rows; now " + runner.progress().phase() + ": " + runner.progress().message());
        runner.simulateCrash();
        assertThatThrownBy(() -> migration.awaitEnd(TIMEOUT)).isInstanceOf(MigrationAbortedException.class);
        assertThat(migration.snapshots()).noneMatch(progress -> progress.phase().isFinal());
        return saved;
    }

    private static <T> T await(Supplier<Optional<T>> probe, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    private static List<String> copyingMessages(BackgroundMigration migration) {
        List<String> messages = new ArrayList<>();
        for (Progress progress : migration.snapshots()) {
            if (progress.phase() == Phase.COPYING) {
                messages.add(progress.message());
            }
        }
        return messages;
    }

    private static Progress firstCopyingSnapshot(BackgroundMigration migration) {
        return migration.snapshots().stream().filter(progress -> progress.phase() == Phase.COPYING).findFirst()
                .orElseThrow(() -> new AssertionError("no Copying snapshot"));
    }
}
