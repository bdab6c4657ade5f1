package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.time.Duration;
import java.util.List;

/**
 * Chunk bounds are read back from the table and bound again as parameters: for every kind of
 * key the values must round-trip exactly, whatever the JVM's time zone, or chunks skip rows.
 */
class KeyTypesTest {

    @EveryFlavor
    void tinyintOneTemporalAndYearKeysCopyEveryRow(TestDatabase db) throws Exception {
        db.execute(
                "CREATE TABLE flags (k TINYINT(1) NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO flags VALUES (-128, 1), (0, 2), (1, 3), (5, 4), (127, 5)",
                "CREATE TABLE moments (k TIMESTAMP(6) NOT NULL PRIMARY KEY, v INT)",
                "CREATE TABLE days (d DATETIME NOT NULL, y YEAR NOT NULL, v INT, PRIMARY KEY (d, y))");
        try (var connection = db.connect(); var statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00'");
            // Around a daylight-saving change in many zones, and at second boundaries.
            for (int i = 0; i < 40; i++) {
                statement.execute("INSERT INTO moments VALUES (TIMESTAMP('2024-03-31 00:59:58.999999') + INTERVAL " + i * 7
                        + " MINUTE, " + i + ")");
                statement.execute("INSERT INTO days VALUES ('2024-10-27 01:00:00' + INTERVAL " + i + " HOUR, "
                        + (1990 + i % 3) + ", " + i + ")");
            }
        }
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Berlin"));
        try {
            for (String[] table : new String[][] {{"flags", "k", "v"}, {"moments", "k", "v"}, {"days", "d", "y", "v"}}) {
                List<String> columns = List.of(table).subList(1, table.length);
                List<String> before = TableContents.rows(db, table[0], columns);
                var done = new MigrationRunner(Migrations.plan(db, table[0], "ADD COLUMN extra INT",
                        MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(3).withChunkTime(Duration.ZERO)), ProgressListener.NONE).run();
                assertThat(done.phase()).isEqualTo(Phase.DONE);
                assertThat(TableContents.rows(db, table[0], columns)).as(table[0]).isEqualTo(before);
            }
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }
}
