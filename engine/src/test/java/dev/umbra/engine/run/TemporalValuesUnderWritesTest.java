package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.time.Duration;
import java.util.List;

/**
 * A row whose negative TIME, zero-part DATE or DATETIME(6) changes while the table is migrated
 * reaches the new table through the binlog exactly as the server stored it (it used to stop the
 * migration: "TIME row image value ... is outside TIME range").
 */
class TemporalValuesUnderWritesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> COLUMNS = List.of("id", "t", "t6", "d", "dt6");

    @EveryFlavor
    void negativeTimesAndZeroPartDatesChangedDuringTheMigrationArriveExactly(TestDatabase db) throws Exception {
        db.execute("SET sql_mode = ''",
                "CREATE TABLE t (id INT PRIMARY KEY, t TIME NULL, t6 TIME(6) NULL, d DATE NULL, dt6 DATETIME(6) NULL)",
                "INSERT INTO t VALUES (1, '10:00:00', '10:00:00.5', '2020-01-01', '2020-01-01 00:00:00.000001'),"
                        + " (2, '-01:00:00', '-00:00:00.000001', '2020-00-00', '0000-00-00 00:00:00'),"
                        + " (3, '838:59:59', '-838:59:59', '0000-01-01', '1582-10-10 12:00:00.123456')");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN w INT NULL",
                MigrationOptions.defaults().withInstantDdl(false))).start();
        migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
        long applied = migration.runner().progress().eventsApplied();

        db.execute("SET sql_mode = ''",
                "UPDATE t SET t = '-00:00:01', t6 = '-12:34:56.789012', d = '2020-05-00', dt6 = '2020-00-31 23:59:59.999999' WHERE id = 1",
                "UPDATE t SET t = '-838:59:59', t6 = '-00:00:00.5' WHERE id = 2",
                "INSERT INTO t VALUES (4, '-00:59:59', '-01:00:00.000001', '0000-00-00', '0000-01-01 00:00:00.5')",
                "DELETE FROM t WHERE id = 3",
                "INSERT INTO t VALUES (5, '-00:00:00', NULL, '1582-10-10', '9999-12-31 23:59:59.999999')");
        migration.await("the changes applied", progress -> progress.eventsApplied() >= applied + 5
                && progress.applyBacklog() == 0, TIMEOUT);
        List<String> expected = TableContents.rows(db, "t", COLUMNS);
        migration.runner().control().approveCutOver();
        Progress done = migration.awaitEnd(TIMEOUT);

        assertThat(done.phase()).as(done.message()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, "t", COLUMNS)).isEqualTo(expected);
        assertThat(expected).anySatisfy(row -> assertThat(row).contains("-12:34:56.789012").contains("2020-05-00"));
    }
}
