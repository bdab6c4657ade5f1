package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * An application transaction holds a row in the middle of a copy chunk, and then asks for a row
 * before it, one the chunk's locking read has already passed. A copy read that waited inside the
 * server for the held row while holding the rows before it would close a deadlock, and InnoDB
 * would roll back the application's transaction (the lighter one): "Deadlock found" on Umbra's
 * account. Where the server's locking reads can refuse to wait, the copy never waits inside the
 * server, so the application's transaction waits briefly and commits. MySQL 5.7 has no such read,
 * and its copy waits as gh-ost's and pt-online-schema-change's do: there the application's
 * transaction is the victim, as docs/engine.md says.
 */
class DeadlockVictimTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> SHARED_COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final int ROWS = 2_000;

    @EveryFlavor
    void anApplicationTransactionAskingForARowTheCopyHasPassedWhileItHoldsOneTheCopyNeedsIsNotADeadlockVictim(TestDatabase db)
            throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO)
                .withChunkSize(ROWS / 2).withAutoApproveCutOver(true);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", options));
        try (Connection application = db.connect(); Statement statement = application.createStatement()) {
            application.setAutoCommit(false);
            statement.executeUpdate("UPDATE items SET qty = qty + 1 WHERE id = 500");
            statement.executeUpdate("UPDATE items_mirror SET qty = qty + 1 WHERE id = 500");

            migration.start().awaitPhase(Phase.COPYING, TIMEOUT);
            Thread.sleep(1_500); // the copy reaches the first chunk and finds row 500 held
            assertThat(migration.runner().progress().rowsCopied()).as("the first chunk waits for row 500").isLessThan(ROWS / 2);

            if (db.flavor() == Flavor.MYSQL_5_7) {
                assertThatThrownBy(() -> statement.executeUpdate("UPDATE items SET qty = qty + 1 WHERE id = 10"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("Deadlock found");
                application.rollback();
            } else {
                statement.executeUpdate("UPDATE items SET qty = qty + 1 WHERE id = 10");
                statement.executeUpdate("UPDATE items_mirror SET qty = qty + 1 WHERE id = 10");
                application.commit();
            }
        }

        Progress done = migration.awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, "items", SHARED_COLUMNS))
                .isEqualTo(TableContents.rows(db, SampleTable.mirrorOf("items"), SHARED_COLUMNS));
    }
}
