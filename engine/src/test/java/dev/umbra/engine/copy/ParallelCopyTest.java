package dev.umbra.engine.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.checkpoint.CopyRange;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Several workers copy disjoint chunks at once. A chunk that cannot finish (a transaction holds one
 * of its rows) holds the reported progress and the checkpoint back at the chunks below it, while
 * the workers copy a bounded number of chunks above it; a run stopped there and resumed copies
 * those again and ends with every row right.
 */
class ParallelCopyTest {

    private static final int ROWS = 3_000;
    private static final int CHUNK = 100;
    private static final int WORKERS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> SHARED_COLUMNS = List.of("id", "name", "qty", "updated_at", "note");

    @EveryFlavor
    void aHeldChunkHoldsTheWatermarkAndAResumedRunCopiesWhatLayAboveIt(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        // Without AUTO_INCREMENT: MySQL 5.7 (innodb_autoinc_lock_mode=1) makes every INSERT ... SELECT
        // into such a table hold a table-level lock, so the held chunk would hold every worker.
        db.execute("ALTER TABLE items MODIFY id BIGINT NOT NULL");
        MigrationPlan plan = Migrations.plan(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(CHUNK)
                        .withChunkTime(Duration.ZERO).withCopyWorkers(WORKERS).withCheckpointInterval(Duration.ofMillis(200)));
        BackgroundMigration stopped = new BackgroundMigration(plan);
        MigrationRunner runner = stopped.runner();
        long aboveHeldChunk;
        try (Connection rowHolder = db.connect(); Statement statement = rowHolder.createStatement()) {
            rowHolder.setAutoCommit(false);
            // row 150 lies in the second chunk (rows 101 to 200)
            statement.executeQuery("SELECT id FROM items WHERE id = 150 FOR UPDATE").close();
            stopped.start();
            stopped.awaitPhase(Phase.COPYING, TIMEOUT);
            aboveHeldChunk = awaitGhostRows(db, 200 + CHUNK);
            Thread.sleep(1_000); // workers would run on now if nothing bounded them

            Progress held = runner.progress();
            assertThat(held.phase()).isEqualTo(Phase.COPYING);
            assertThat(held.rowsCopied()).isEqualTo(CHUNK);
            CopyRange saved = held.checkpoint().orElseThrow().copyRanges().get(0);
            assertThat(saved.watermark()).containsExactly(100L);
            long copied = ghostRows(db);
            System.out.printf("[%s] with rows 101-200 held: %d rows in the ghost table, %d reported%n", db, copied,
                    held.rowsCopied());
            assertThat(copied).isGreaterThan(200).isLessThanOrEqualTo(CHUNK + (long) WORKERS * 4 * CHUNK);

            runner.control().stopForResume("the test stops it");
            rowHolder.rollback();
        }
        assertThatThrownBy(() -> stopped.awaitEnd(TIMEOUT)).isInstanceOf(MigrationAbortedException.class);

        Progress done = new BackgroundMigration(plan).start().awaitEnd(TIMEOUT);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.rowsCopied()).isEqualTo(ROWS);
        assertThat(aboveHeldChunk).isGreaterThan(0);
        assertThat(TableContents.rows(db, "items", SHARED_COLUMNS))
                .isEqualTo(TableContents.rows(db, "items_mirror", SHARED_COLUMNS));
        assertThat(TableContents.tables(db)).containsExactly("_items_del", "items", "items_mirror");
    }

    /** Waits until the ghost table holds at least {@code rows} rows; returns how many are above row 200. */
    private static long awaitGhostRows(TestDatabase db, long rows) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (ghostRows(db) < rows) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the ghost table did not reach " + rows + " rows; it has " + ghostRows(db));
            }
            Thread.sleep(20);
        }
        return count(db, "SELECT COUNT(*) FROM _items_gho WHERE id > 200");
    }

    private static long ghostRows(TestDatabase db) throws SQLException {
        return count(db, "SELECT COUNT(*) FROM _items_gho");
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
