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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The applier writes a large batch as slices over disjoint keys on several sessions at once. The
 * backlog that makes batches large is made on purpose: the applier is held (as a throttle holds
 * it) while writers go on, then let go.
 */
class ParallelApplyTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @EveryFlavor
    void aBacklogWrittenInSlicesOnFourSessionsLeavesTheTableEqualToTheMirror(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 20_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, MODIFY qty BIGINT NOT NULL",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withApplySessions(4)
                        .withChunkTime(Duration.ZERO).withChunkSize(500)));
        AtomicBoolean hold = new AtomicBoolean(true);
        MigrationRunner runner = migration.runner();
        runner.setExternalThrottle(() -> hold.get() && runner.progress().rowsCopied() >= 5_000
                ? Optional.of("held by the test") : Optional.empty());
        Progress done;
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            migration.start().await("the copy held after 5,000 rows", progress -> progress.rowsCopied() >= 5_000,
                    TIMEOUT);
            writer.startFlatOut(4);
            migration.await("a backlog of 1,500 changes", progress -> progress.applyBacklog() >= 1_500, TIMEOUT);
            hold.set(false);
            migration.await("the checksum", progress -> progress.stage().startsWith("Verifying")
                    || progress.phase() != Phase.COPYING, TIMEOUT);
            writer.close();
            done = migration.awaitEnd(TIMEOUT);
            assertThat(writer.errors()).isEmpty();
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        ApplyCounts counts = runner.applyCounts();
        System.out.printf("[%s] %,d binlog row changes in %,d batches (%,d of them in slices), %,d statements%n", db,
                done.eventsApplied(), counts.batches(), counts.slicedBatches(), counts.statements());
        assertThat(counts.slicedBatches()).as("batches written on several sessions").isPositive();
    }

    /**
     * Unique values swapped between rows: written in slices on several sessions, the two rows of a
     * swap would wait for or deadlock with each other until both are written (MySQL 5.7 fell behind
     * for good under a writer swapping thousands of times a second). A table with a unique key
     * besides the migration key is applied on one session, and ends exactly as the table.
     */
    @EveryFlavor
    void aTableWithAnotherUniqueKeyIsAppliedOnOneSessionAndEndsExactlyAsTheTable(TestDatabase db) throws Exception {
        int rows = 4_000;
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, email VARCHAR(64) NOT NULL, n INT NOT NULL,"
                + " UNIQUE KEY email (email)) ENGINE=InnoDB");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (int id = 1; id <= rows; id++) {
                values.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'user").append(id)
                        .append("@example.com', ").append(id).append(")");
            }
            statement.execute("INSERT INTO t VALUES " + values);
        }
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN status INT NULL",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withApplySessions(4)
                        .withChunkTime(Duration.ZERO).withChunkSize(500)));
        AtomicBoolean hold = new AtomicBoolean(true);
        MigrationRunner runner = migration.runner();
        runner.setExternalThrottle(() -> hold.get() && runner.progress().rowsCopied() >= rows / 2
                ? Optional.of("held by the test") : Optional.empty());
        migration.start().await("the copy held half way", progress -> progress.rowsCopied() >= rows / 2, TIMEOUT);
        swapEmails(db, rows / 2, 1_500); // rows the copy has passed: changes to the others are left to it
        hold.set(false);

        Progress done = migration.awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(runner.applyCounts().batches()).isPositive();
        assertThat(runner.applyCounts().slicedBatches()).as("batches written on several sessions").isZero();
        List<String> columns = List.of("id", "email", "n");
        assertThat(TableContents.rows(db, "t", columns)).isEqualTo(TableContents.rows(db, "_t_del", columns));
    }

    /** Swaps the emails of two random rows among the first {@code rows} per transaction, touching each row's n too. */
    private static void swapEmails(TestDatabase db, int rows, int swaps) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            for (int swap = 0; swap < swaps; swap++) {
                int a = 1 + random.nextInt(rows);
                int b = 1 + random.nextInt(rows);
                if (a == b) {
                    continue;
                }
                connection.setAutoCommit(false);
                statement.execute("SET @a = (SELECT email FROM t WHERE id = " + a + "), @b = (SELECT email FROM t WHERE id = "
                        + b + ")");
                statement.execute("UPDATE t SET email = CONCAT('swap-', id) WHERE id = " + a);
                statement.execute("UPDATE t SET email = @a, n = n + 1 WHERE id = " + b);
                statement.execute("UPDATE t SET email = @b, n = n + 1 WHERE id = " + a);
                connection.commit();
            }
            connection.setAutoCommit(true);
        }
    }
}
