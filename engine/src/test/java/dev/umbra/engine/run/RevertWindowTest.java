package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.RevertWindow;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A migration undone after its cut-over: within the revert window the old table is kept in step
 * with the new one, and a revert swaps them back with every row written since the cut-over. The
 * mirror the writer keeps in the same transactions is the reference.
 */
class RevertWindowTest {

    private static final int ROWS = 20_000;
    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);

    @EveryFlavor
    void aRevertUnderWritesBringsBackTheOldDefinitionWithEveryRowWrittenSince(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        String before = definition(db, "items");
        MigrationRunner runner = runner(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1 AFTER id, MODIFY qty BIGINT NOT NULL,"
                + " ADD INDEX idx_qty (qty)", new RevertOptions(Duration.ofMinutes(10), false));
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress reverted;
        Duration cutOverStall;
        Duration revertStall;
        long writesInWindow;
        try (writer) {
            writer.start(4);
            CompletableFuture<Progress> run = runInBackground(runner);
            Progress open = awaitProgress(runner, run, progress -> progress.revert().map(RevertWindow::reversible).orElse(false));
            assertThat(open.phase()).isEqualTo(Phase.DONE);
            assertThat(open.revert().orElseThrow().until()).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
            assertThat(definition(db, "items")).contains("`status` tinyint").contains("`qty` bigint");
            cutOverStall = writer.takeLongestStall();
            long before2 = writer.operations();
            Thread.sleep(1_500); // the new table takes writes that must reach the old one
            writesInWindow = writer.operations() - before2;
            Progress syncing = runner.progress();
            runner.control().requestRevert();
            reverted = run.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            revertStall = writer.takeLongestStall();
            Thread.sleep(300); // writes after the revert land in the old table, under its name again
            System.out.printf("[%s] writes in the window %d, old table's lag %s, writer's longest stall: cut-over %d ms,"
                            + " revert %d ms; revert lock %d ms%n", db, writesInWindow,
                    syncing.revert().orElseThrow().lag().map(lag -> lag.toMillis() + " ms").orElse("-"),
                    cutOverStall.toMillis(), revertStall.toMillis(), reverted.lastLockTime().orElseThrow().toMillis());
        }
        assertThat(reverted.phase()).isEqualTo(Phase.REVERTED);
        assertThat(reverted.message()).contains("old definition").contains("`_items_gho`");
        assertThat(writesInWindow).isGreaterThan(20);
        assertThat(writer.errors()).isEmpty();
        assertThat(definition(db, "items")).isEqualTo(before);
        List<String> table = TableContents.rows(db, "items", COLUMNS);
        List<String> mirror = TableContents.rows(db, writer.mirror(), COLUMNS);
        System.out.printf("[%s] rows compared with the mirror after the revert: %d%n", db, mirror.size());
        assertThat(table).hasSize(mirror.size()).isEqualTo(mirror);
        assertThat(TableContents.tables(db)).containsExactly("_items_gho", "items", "items_mirror");
        assertThat(definition(db, "_items_gho")).contains("`status` tinyint");
    }

    @EveryFlavor
    void aRunStoppedWithinTheWindowLeavesItForTheNextRunWhichKeepsTheOldTableInStepAgain(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "handed", 5_000);
        String before = definition(db, "handed");
        String alter = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
        RevertOptions revert = new RevertOptions(Duration.ofMinutes(10), false);
        MigrationRunner first = runner(db, "handed", alter, revert);
        MirroredWriter writer = new MirroredWriter(db::connect, "handed");
        Progress reverted;
        try (writer) {
            writer.start(2);
            CompletableFuture<Progress> run = runInBackground(first);
            Progress open = awaitProgress(first, run, progress -> progress.revert().map(RevertWindow::reversible).orElse(false));
            Thread.sleep(500);
            first.control().handOver("the operator is restarting");
            Progress stopped = run.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(stopped.phase()).isEqualTo(Phase.DONE);
            assertThat(stopped.message()).contains("revert window (until " + open.revert().orElseThrow().until() + ") is left open")
                    .contains("The next run of this migration keeps the old table in step again");
            assertThat(TableContents.tables(db)).contains("_handed_del", "_handed_ghc", "_handed_ghk");
            long writesBetweenRuns = writer.operations();
            Thread.sleep(1_000); // the new table's writes while no run keeps the old one in step
            writesBetweenRuns = writer.operations() - writesBetweenRuns;

            MigrationRunner second = runner(db, "handed", alter, revert);
            CompletableFuture<Progress> resumed = runInBackground(second);
            Progress reopened = awaitProgress(second, resumed, progress -> progress.phase() == Phase.DONE
                    && progress.revert().map(RevertWindow::reversible).orElse(false));
            assertThat(reopened.revert().orElseThrow().until()).isEqualTo(open.revert().orElseThrow().until());
            assertThat(reopened.message()).contains("the revert window of the done migration resumed from the checkpoint");
            Thread.sleep(500);
            second.control().requestRevert();
            reverted = resumed.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            System.out.printf("[%s] writes while no run kept the old table in step: %d%n", db, writesBetweenRuns);
            assertThat(writesBetweenRuns).isGreaterThan(10);
        }
        assertThat(reverted.phase()).isEqualTo(Phase.REVERTED);
        assertThat(writer.errors()).isEmpty();
        assertThat(definition(db, "handed")).isEqualTo(before);
        assertThat(TableContents.rows(db, "handed", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        assertThat(TableContents.tables(db)).containsExactly("_handed_gho", "handed", "handed_mirror");
    }

    @EveryFlavor
    void theRevertMovesTriggersAndForeignKeysBackToTheOldTable(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE owners (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO owners VALUES (1), (2)",
                "CREATE TABLE audit (seq INT AUTO_INCREMENT PRIMARY KEY, item_id INT NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE parts (id INT AUTO_INCREMENT PRIMARY KEY, owner_id INT NULL, name VARCHAR(20),"
                        + " CONSTRAINT fk_parts_owner FOREIGN KEY (owner_id) REFERENCES owners (id)) ENGINE=InnoDB",
                "CREATE TRIGGER parts_audit AFTER INSERT ON parts FOR EACH ROW INSERT INTO audit (item_id) VALUES (NEW.id)",
                "INSERT INTO parts (owner_id, name) VALUES (1, 'a'), (2, 'b')");
        MigrationRunner runner = runner(db, "parts", "ADD COLUMN weight INT NULL", new RevertOptions(Duration.ofMinutes(10), false));
        CompletableFuture<Progress> run = runInBackground(runner);
        awaitProgress(runner, run, progress -> progress.revert().map(RevertWindow::reversible).orElse(false));
        db.execute("INSERT INTO parts (owner_id, name, weight) VALUES (2, 'c', 5)");
        runner.control().requestRevert();
        Progress reverted = run.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        db.execute("INSERT INTO parts (owner_id, name) VALUES (1, 'd')");

        assertThat(reverted.phase()).isEqualTo(Phase.REVERTED);
        assertThat(TableContents.createStatement(db, "parts")).contains("CONSTRAINT `fk_parts_owner` FOREIGN KEY")
                .doesNotContain("weight");
        assertThat(TableContents.createStatement(db, "_parts_gho")).doesNotContain("FOREIGN KEY");
        assertThat(TableContents.rows(db, "parts", List.of("id", "owner_id", "name")))
                .containsExactly("1|1|a", "2|2|b", "3|2|c", "4|1|d");
        // The trigger fired once per insert into the serving table: never for the window's replay.
        assertThat(TableContents.rows(db, "audit", List.of("item_id"))).containsExactly("1", "2", "3", "4");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             var triggers = statement.executeQuery("SELECT EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS"
                     + " WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = 'parts_audit'")) {
            assertThat(triggers.next()).isTrue();
            assertThat(triggers.getString(1)).isEqualTo("parts");
        }
    }

    @EveryFlavor
    void aRunMeantToResumeAWindowThatIsGoneIsRefusedInsteadOfMigratingTheTableAgain(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "gone", 100);
        String before = definition(db, "gone");
        MigrationRunner runner = runner(db, "gone", "MODIFY qty BIGINT NOT NULL", new RevertOptions(Duration.ofMinutes(10), false));
        runner.onlyResumeRevertWindow();

        assertThatThrownBy(runner::run).isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("the server holds no such window").hasMessageContaining("nothing was changed");
        assertThat(definition(db, "gone")).isEqualTo(before);
        assertThat(TableContents.tables(db)).containsExactly("gone", "gone_mirror");
    }

    @EveryFlavor
    void aTwoStepMigrationRevertsInTwoStepsToo(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "steps", 2_000);
        String before = definition(db, "steps");
        MigrationPlan plan = new MigrationPlan(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()),
                db.schema(), "steps", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", MigrationOptions.defaults()
                .withInstantDdl(false).withAutoApproveCutOver(true).withCutOverMethod(CutOverMethod.TWO_STEP)
                .withRevert(new RevertOptions(Duration.ofMinutes(10), false)));
        MigrationRunner runner = new MigrationRunner(plan, progress -> { });
        MirroredWriter writer = new MirroredWriter(db::connect, "steps");
        Progress reverted;
        try (writer) {
            writer.start(2);
            CompletableFuture<Progress> run = runInBackground(runner);
            awaitProgress(runner, run, progress -> progress.phase() == Phase.DONE
                    && progress.revert().map(RevertWindow::reversible).orElse(false));
            Thread.sleep(500);
            runner.control().requestRevert();
            reverted = run.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Thread.sleep(200);
        }
        assertThat(reverted.phase()).isEqualTo(Phase.REVERTED);
        assertThat(definition(db, "steps")).isEqualTo(before);
        // Two-step: for a moment the table does not exist, and a writer may fail then (documented for two-step).
        assertThat(TableContents.rows(db, "steps", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        assertThat(TableContents.tables(db)).containsExactly("_steps_gho", "steps", "steps_mirror");
    }

    @EveryFlavor
    void aRenamedColumnGoesBackUnderItsOldNameWithTheValuesWrittenSince(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "renamed", 100);
        String before = definition(db, "renamed");
        MigrationRunner runner = runner(db, "renamed", "CHANGE name label VARCHAR(64) NOT NULL, ADD COLUMN extra INT NULL FIRST",
                new RevertOptions(Duration.ofMinutes(10), false));
        CompletableFuture<Progress> run = runInBackground(runner);
        awaitProgress(runner, run, progress -> progress.phase() == Phase.DONE
                && progress.revert().map(RevertWindow::reversible).orElse(false));
        db.execute("UPDATE renamed SET label = 'relabelled', extra = 1 WHERE id = 3",
                "INSERT INTO renamed (extra, id, label, qty, updated_at) VALUES (2, 500, 'new', 5, '2026-01-01 00:00:00')",
                "DELETE FROM renamed WHERE id = 4");
        runner.control().requestRevert();
        Progress reverted = run.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(reverted.phase()).isEqualTo(Phase.REVERTED);
        assertThat(definition(db, "renamed")).isEqualTo(before);
        List<String> rows = TableContents.rows(db, "renamed", List.of("id", "name", "qty"));
        assertThat(rows).hasSize(100).contains("3|relabelled|3", "500|new|5").doesNotContain("4|item-4|4");
    }

    @EveryFlavor
    void theWindowEndsWithTheNewDefinitionKeptAndTheOldTableAsTheOptionsSay(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "ends", 500);
        MigrationRunner runner = runner(db, "ends", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                new RevertOptions(Duration.ofSeconds(2), false));
        Progress done = runner.run();

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        RevertWindow window = done.revert().orElseThrow();
        assertThat(window.reversible()).isFalse();
        assertThat(window.reason()).contains("the window ended at");
        assertThat(done.message()).contains("Revert window: the window ended").contains("kept as `_ends_del`");
        assertThat(TableContents.tables(db)).containsExactly("_ends_del", "ends", "ends_mirror");
        runner.control().requestRevert(); // too late: nothing happens
        assertThat(definition(db, "ends")).contains("`status` tinyint");
    }

    @EveryFlavor
    void aValueTheOldTypeCannotHoldClosesTheWindowInsteadOfLosingTheRow(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "wide", 500);
        MigrationRunner runner = runner(db, "wide", "MODIFY qty BIGINT NOT NULL", new RevertOptions(Duration.ofMinutes(10), false));
        CompletableFuture<Progress> run = runInBackground(runner);
        awaitProgress(runner, run, progress -> progress.revert().map(RevertWindow::reversible).orElse(false));
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE wide SET qty = 10000000000 WHERE id = 7"); // over INT's range
        }
        Progress closed = awaitProgress(runner, run, progress -> progress.revert().map(window -> !window.reversible()).orElse(false));
        runner.control().requestRevert(); // no longer possible: the old table misses the row's value
        Progress done = run.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(closed.revert().orElseThrow().reason()).contains("could no longer be kept in step")
                .containsIgnoringCase("out of range");
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(definition(db, "wide")).contains("`qty` bigint");
        assertThat(TableContents.rows(db, "wide", List.of("qty"))).contains("10000000000");
    }

    @EveryFlavor
    void aDroppedColumnIsRevertedOnlyWithItsLossAccepted(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "refused", 100);
        Progress refused = runner(db, "refused", "DROP COLUMN note", new RevertOptions(Duration.ofMinutes(10), false)).run();
        assertThat(refused.phase()).isEqualTo(Phase.DONE);
        assertThat(refused.revert().orElseThrow().reversible()).isFalse();
        assertThat(refused.revert().orElseThrow().reason()).contains("did not accept").contains("`note` is dropped");

        SampleTable.create(db::connect, "accepted", 100);
        List<String> notesBefore = TableContents.rows(db, "accepted", List.of("id", "note"));
        MigrationRunner runner = runner(db, "accepted", "DROP COLUMN note", new RevertOptions(Duration.ofMinutes(10), true));
        CompletableFuture<Progress> run = runInBackground(runner);
        Progress open = awaitProgress(runner, run, progress -> progress.revert().map(RevertWindow::reversible).orElse(false));
        assertThat(open.revert().orElseThrow().reason()).contains("`note` is dropped");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE accepted SET qty = qty + 1 WHERE id <= 10");
            statement.executeUpdate("INSERT INTO accepted (id, name, qty, updated_at) VALUES (1000, 'new', 1, NOW())");
        }
        runner.control().requestRevert();
        Progress reverted = run.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(reverted.phase()).isEqualTo(Phase.REVERTED);
        List<String> notesAfter = TableContents.rows(db, "accepted", List.of("id", "note"));
        assertThat(notesAfter).containsAll(notesBefore); // rows changed since the cut-over keep their note
        assertThat(notesAfter).hasSize(notesBefore.size() + 1);
        assertThat(TableContents.rows(db, "accepted", List.of("id", "qty"))).contains("1000|1");
    }

    private static MigrationRunner runner(TestDatabase db, String table, String alter, RevertOptions revert) {
        MigrationPlan plan = new MigrationPlan(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()),
                db.schema(), table, alter, MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)
                        .withRevert(revert));
        return new MigrationRunner(plan, progress -> { });
    }

    private static CompletableFuture<Progress> runInBackground(MigrationRunner runner) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Polls the runner's progress until {@code reached}; fails if the run ends first or takes too long. */
    private static Progress awaitProgress(MigrationRunner runner, CompletableFuture<Progress> run,
                                          Predicate<Progress> reached) throws Exception {
        Instant deadline = Instant.now().plus(PHASE_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Progress now = runner.progress();
            if (reached.test(now)) {
                return now;
            }
            if (run.isDone()) {
                Progress last = run.get();
                if (reached.test(last)) {
                    return last;
                }
                throw new AssertionError("the run ended before the state awaited: " + last.phase() + ", " + last.message());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not reached within " + PHASE_TIMEOUT + "; last: " + runner.progress());
    }

    /** The table's definition without its AUTO_INCREMENT counter, which writes move. */
    private static String definition(TestDatabase db, String table) throws Exception {
        return TableContents.createStatement(db, table).replaceAll(" AUTO_INCREMENT=\\d+", "");
    }
}
