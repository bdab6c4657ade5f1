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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The instant-DDL fast path: where the server can add a column with ALGORITHM=INSTANT (MySQL 8.0,
 * MariaDB), Umbra does that on the table itself, after approval, instead of copying; where it
 * cannot (MySQL 5.7, or an ALTER that needs a rebuild), or its metadata lock is not granted within
 * the lock timeout, the online path runs and the result is the same.
 */
class InstantDdlTest {

    private static final int ROWS = 300;
    private static final List<String> COLUMNS = List.of("id", "name", "qty");

    @EveryFlavor
    void addColumnIsInstantAfterApprovalWhereTheServerCan(TestDatabase db) throws Exception {
        createTable(db);
        List<String> before = TableContents.rows(db, "t", COLUMNS);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", MigrationOptions.defaults())).start();

        migration.awaitPhase(Phase.AWAITING_CUT_OVER, Duration.ofSeconds(60));
        boolean instant = db.flavor() != Flavor.MYSQL_5_7;
        if (instant) {
            assertThat(migration.runner().progress().stage()).isEqualTo("waiting for approval (instant ALTER)");
            assertThat(TableContents.createStatement(db, "t")).as("unchanged until approved").doesNotContain("`status`");
        }
        migration.runner().control().approveCutOver();
        Progress done = migration.awaitEnd(Duration.ofSeconds(60));

        List<Phase> phases = migration.snapshots().stream().map(Progress::phase).distinct().toList();
        if (instant) {
            assertThat(phases).containsExactly(Phase.INSPECTING, Phase.AWAITING_CUT_OVER, Phase.CUT_OVER, Phase.DONE);
            assertThat(done.stage()).isEqualTo("done (instant ALTER)");
            assertThat(done.message()).contains("instant ALTER").contains("no rows were copied");
            assertThat(done.rowsCopied()).isZero();
            assertThat(TableContents.tables(db)).containsExactly("t");
        } else {
            assertThat(phases).containsExactly(Phase.INSPECTING, Phase.COPYING, Phase.AWAITING_CUT_OVER, Phase.CUT_OVER,
                    Phase.DONE);
            assertThat(done.stage()).isEqualTo("done (online copy)");
            assertThat(TableContents.tables(db)).containsExactly("_t_del", "t");
        }
        assertThat(TableContents.createStatement(db, "t")).contains("`status` tinyint");
        assertThat(TableContents.rows(db, "t", COLUMNS)).isEqualTo(before);
        assertThat(TableContents.rows(db, "t", List.of("status"))).containsOnly("1");
    }

    @EveryFlavor
    void anAlterThatNeedsARebuildTakesTheOnlinePath(TestDatabase db) throws Exception {
        createTable(db);
        List<String> before = TableContents.rows(db, "t", COLUMNS);

        Progress done = new MigrationRunner(Migrations.plan(db, "t", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1,"
                + " MODIFY qty BIGINT NOT NULL"), progress -> { }).run();

        assertThat(done.stage()).isEqualTo("done (online copy)");
        assertThat(done.rowsCopied()).isEqualTo(ROWS);
        assertThat(TableContents.createStatement(db, "t")).contains("`status` tinyint").contains("`qty` bigint");
        assertThat(TableContents.rows(db, "t", COLUMNS)).isEqualTo(before);
    }

    @EveryFlavor
    void aTransactionHoldingTheTableSendsItToTheOnlinePathWithinTheLockTimeout(TestDatabase db) throws Exception {
        createTable(db);
        List<String> before = TableContents.rows(db, "t", COLUMNS);
        BackgroundMigration migration;
        try (Connection holder = db.connect(); Statement statement = holder.createStatement()) {
            // An open transaction that has read the table holds its metadata lock until it ends.
            holder.setAutoCommit(false);
            try (ResultSet ignored = statement.executeQuery("SELECT COUNT(*) FROM t")) {
                migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                        MigrationOptions.defaults().withAutoApproveCutOver(true).withCutOverLockTimeout(Duration.ofSeconds(1))))
                        .start();
                // The copy of 300 rows is over in a moment: look for the phase among all snapshots.
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (migration.snapshots().stream().noneMatch(progress -> progress.phase() == Phase.COPYING)) {
                    assertThat(System.nanoTime()).as("the online path started within 60 s").isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            holder.commit();
        }
        Progress done = migration.awaitEnd(Duration.ofSeconds(60));

        List<Phase> phases = migration.snapshots().stream().map(Progress::phase).distinct().toList();
        if (db.flavor() != Flavor.MYSQL_5_7) {
            assertThat(phases).as("tried instantly first").containsSubsequence(Phase.CUT_OVER, Phase.COPYING);
        }
        assertThat(done.stage()).isEqualTo("done (online copy)");
        assertThat(done.rowsCopied()).isEqualTo(ROWS);
        assertThat(TableContents.createStatement(db, "t")).contains("`status` tinyint");
        assertThat(TableContents.rows(db, "t", COLUMNS)).isEqualTo(before);
    }

    private static void createTable(TestDatabase db) {
        db.execute("CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL)",
                "INSERT INTO t (name, qty) SELECT CONCAT('name-', seq), seq FROM (SELECT a.n * 100 + b.n * 10 + c.n + 1 AS seq"
                        + " FROM (SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2) a,"
                        + " (SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
                        + " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,"
                        + " (SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
                        + " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c) s");
    }
}
