package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.binlog.BinlogStream;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backfill-style transaction during the copy: one UPDATE of every row and one DELETE of a tenth,
 * committed together (several times the stream's piece size). It reaches the ghost table in pieces
 * before its commit is read, and the migrated table must still equal the mirror.
 */
class LargeTransactionTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final int ROWS = 24_000;

    @EveryFlavor
    void aTransactionOfManyPiecesDuringTheCopyIsAppliedWhole(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", MigrationOptions.defaults().withInstantDdl(false)
                        .withAutoApproveCutOver(true).withChunkTime(Duration.ZERO).withChunkSize(500)));
        AtomicBoolean hold = new AtomicBoolean(true);
        MigrationRunner runner = migration.runner();
        runner.setExternalThrottle(() -> hold.get() && runner.progress().rowsCopied() >= 5_000
                ? Optional.of("held by the test") : Optional.empty());
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            migration.start().await("the copy held after 5,000 rows", progress -> progress.rowsCopied() >= 5_000,
                    Duration.ofSeconds(60));
            try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                for (String table : List.of("items", "items_mirror")) {
                    statement.execute("UPDATE `" + table + "` SET qty = qty + 1, note = CONCAT(IFNULL(note, ''), '+')");
                    statement.execute("DELETE FROM `" + table + "` WHERE id % 10 = 0");
                }
                connection.commit();
            }
            writer.start(2); // only now: the whole-table transaction and the writer would deadlock each other
            hold.set(false);
            done = migration.awaitEnd(Duration.ofSeconds(120));
        }

        assertThat(2 * ROWS).as("the transaction is several pieces").isGreaterThan(3 * BinlogStream.PIECE_CHANGES);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(writer.errors()).isEmpty();
        List<String> rows = TableContents.rows(db, "items", COLUMNS);
        System.out.printf("[%s] %d rows compared after a transaction of %d row changes during the copy%n", db, rows.size(),
                ROWS + ROWS / 10);
        assertThat(rows).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
    }
}
