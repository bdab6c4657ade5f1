package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.apply.ApplyCounts;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Binlog changes to keys the copy has not reached yet are left to the copy, which reads those rows
 * later with a locking read. The tables must end equal, and the checksum must find nothing to repair:
 * it would hide a row that skipping left wrong.
 */
class ChangesLeftToTheCopyTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @EveryFlavor
    void changesAheadOfTheCopyAreLeftToItAndTheTableEqualsTheMirror(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 20_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", options().withCopyWorkers(1)));
        Progress done;
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.startFlatOut(4);
            done = migration.start().awaitEnd(TIMEOUT);
            writer.close();
            assertThat(writer.errors()).isEmpty();
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.verification().orElseThrow().mismatchedChunks()).as("chunks the checksum had to repair").isZero();
        ApplyCounts counts = migration.runner().applyCounts();
        System.out.printf("[%s] %,d binlog row changes; %,d row states left to the copy, %,d statements%n", db,
                done.eventsApplied(), counts.leftToTheCopy(), counts.statements());
        assertThat(counts.leftToTheCopy()).as("row states left to the copy").isPositive();
    }

    /**
     * A row the applier wrote into the ghost before the copy began, deleted once the copy is under
     * way but before it reaches the row: the delete is left to the copy, which will not find the
     * row, so the ghost's copy of it must already be gone.
     *
     * <p>The copy is held by a row lock, not by a throttle: a throttle holds the applier too, and
     * the delete must reach the applier while the copy is short of it. Chunks may be handed out
     * ahead of the held one (a few per worker), so the held row and the doomed one lie far apart.
     */
    @EveryFlavor
    void aRowAppliedBeforeTheCopyBeganAndDeletedAheadOfItDoesNotSurvive(TestDatabase db) throws Exception {
        int rows = 20_000;
        int blocking = 4_000;
        int doomed = rows - 10;
        SampleTable.create(db::connect, "items", rows);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", options()));
        MigrationRunner runner = migration.runner();
        runner.hooks().onPause(point -> {
            if (point == PausePoint.AFTER_RANGE_READ) {
                execute(db, "UPDATE `%s` SET qty = qty + 1 WHERE id = " + doomed);
                awaitGhostRow(db, doomed);
            }
        });
        try (Connection holder = db.connect(); Statement lock = holder.createStatement()) {
            holder.setAutoCommit(false);
            lock.executeQuery("SELECT id FROM `items` WHERE id = " + blocking + " FOR UPDATE").close();
            migration.start().await("the copy under way", progress -> progress.rowsCopied() >= 1_000, TIMEOUT);

            execute(db, "DELETE FROM `%s` WHERE id = " + doomed);
            migration.await("the delete left to the copy", progress -> runner.applyCounts().leftToTheCopy() >= 1, TIMEOUT);
            assertThat(runner.progress().rowsCopied()).as("rows copied while row %d is locked", blocking)
                    .isLessThan(blocking);
            holder.rollback();
        }
        Progress done = migration.awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.verification().orElseThrow().mismatchedChunks()).as("chunks the checksum had to repair").isZero();
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS))
                .hasSize(rows - 1);
    }

    private static MigrationOptions options() {
        return MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(500)
                .withChunkTime(Duration.ZERO);
    }

    /** Runs the statement on the table and on its mirror, in one transaction. */
    private static void execute(TestDatabase db, String statementOnTable) {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute(String.format(statementOnTable, "items"));
            statement.execute(String.format(statementOnTable, "items_mirror"));
            connection.commit();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitGhostRow(TestDatabase db, int id) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM `_items_gho` WHERE id = " + id)) {
                    row.next();
                    if (row.getInt(1) == 1) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("the applier never wrote row " + id + " into the ghost table");
    }
}
