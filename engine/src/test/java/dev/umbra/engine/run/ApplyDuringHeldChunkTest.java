package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Binlog changes applied while a copy chunk holds the ghost table's rows and, on servers with
 * {@code innodb_autoinc_lock_mode=1} (MariaDB, MySQL 5.7), its AUTO-INC lock: the chunk (ids
 * 1–1000) is held at row 500 by a test transaction while a writer deletes row 700 (inside the
 * chunk, not copied yet) and updates row 2500 (above it). Both changes must end up in the table.
 *
 * <p>This is the contention in which the 1M-row benchmark saw apply batches lose deadlock after
 * deadlock to back-to-back copy chunks on MariaDB until their retries ran out; the copy now holds
 * its next chunk while a batch is being retried ({@code ApplyLoop#needsTheCopyToYield}). This test
 * does not force the deadlock itself (it prints how many apply attempts were lost); the benchmark's
 * case (c) is where it was seen.
 *
 * <p>On MySQL 5.7 the chunk's statement waits for row 500 inside the server, holding the ghost rows
 * it has written and the AUTO-INC lock. Where locking reads can refuse to wait, the chunk waits
 * outside the server with the original's free rows locked and nothing of the ghost held (see
 * {@code ChunkCopier}); the changes must end up in the table either way.
 */
class ApplyDuringHeldChunkTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> COLUMNS = List.of("id", "v");

    @EveryFlavor
    void changesAppliedWhileACopyChunkHoldsTheGhostEndUpInTheTable(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (int id = 1; id <= 3_000; id++) {
                values.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'v").append(id).append("')");
            }
            statement.execute("INSERT INTO items (id, v) VALUES " + values);
        }
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", "ADD COLUMN extra INT",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(1_000)
                        .withChunkTime(Duration.ZERO)));
        Progress done;
        try (Connection holder = db.connect(); Connection writer = db.connect()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.executeQuery("SELECT * FROM items WHERE id = 500 FOR UPDATE").close();
            }
            migration.start();
            awaitCopyHeldAtTheRow(db, migration);
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.execute("DELETE FROM items WHERE id = 700");
                statement.execute("UPDATE items SET v = 'changed' WHERE id = 2500");
            }
            writer.commit();
            Thread.sleep(1_000); // the batch reaches the applier and waits for the AUTO-INC lock
            holder.commit();
            done = migration.awaitEnd(TIMEOUT);
        }

        long lost = migration.runner().applyCounts().lostLockContests();
        System.out.printf("[%s] apply attempts lost to a lock contest: %d%n", db, lost);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        List<String> rows = TableContents.rows(db, "items", COLUMNS);
        assertThat(rows).hasSize(2_999).doesNotContain("700|v700").contains("2500|changed");
    }

    /**
     * Until the copy has been held at row 500 for a second: on MySQL 5.7 its chunk statement waits
     * for the row in the server; elsewhere the first chunk has not committed a second into the copy.
     */
    private static void awaitCopyHeldAtTheRow(TestDatabase db, BackgroundMigration migration) throws Exception {
        if (db.flavor() == Flavor.MYSQL_5_7) {
            awaitCopyWaitingForRowLock(db);
            return;
        }
        migration.awaitPhase(Phase.COPYING, TIMEOUT);
        Thread.sleep(1_000);
        assertThat(migration.runner().progress().rowsCopied()).as("the first chunk is held at row 500").isZero();
    }

    /** Until the copy's chunk statement has run for a second: it waits for the row lock the test holds. */
    private static void awaitCopyWaitingForRowLock(TestDatabase db) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement()) {
            while (System.nanoTime() < deadline) {
                // the chunk covers row 500, which the test holds: once running, it stays until released
                try (ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE INFO LIKE 'INSERT INTO %`\\_items\\_gho`%LOCK IN SHARE MODE%' AND TIME >= 1")) {
                    row.next();
                    if (row.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        } catch (SQLException e) {
            throw new AssertionError("could not watch the copy: " + e.getMessage(), e);
        }
        StringBuilder seen = new StringBuilder();
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
             ResultSet row = statement.executeQuery("SELECT ID, STATE, LEFT(INFO, 120) FROM information_schema.PROCESSLIST"
                     + " WHERE USER = '" + db.user() + "'")) {
            while (row.next()) {
                seen.append("; ").append(row.getLong(1)).append(" ").append(row.getString(2)).append(": ").append(row.getString(3));
            }
        }
        throw new AssertionError("the copy never waited for the held row lock" + seen);
    }
}
