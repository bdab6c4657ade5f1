package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Unless told how many, the copy chooses its workers for the server: two where its chunks can run
 * side by side (no chunk holds the ghost's AUTO-INC lock: {@code innodb_autoinc_lock_mode=2},
 * MySQL 8.0's default, or a table without AUTO_INCREMENT), one where each chunk holds that lock
 * (MariaDB's and MySQL 5.7's default mode 1, with an AUTO_INCREMENT column), and says so in the log.
 * A number given is kept.
 */
class CopyWorkersChoiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @EveryFlavor
    void theCopyChoosesTwoWorkersWhereItsChunksCanRunSideBySideAndOneElsewhere(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE counted (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)",
                "CREATE TABLE keyed (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)");
        for (String table : List.of("counted", "keyed")) {
            db.execute("INSERT INTO " + table + " (id, v) VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)");
        }
        boolean autoIncLockPerChunk = db.flavor() != Flavor.MYSQL_8_0; // MySQL 8.0's default mode is 2

        assertThat(workersChosen(db, "counted", "ADD COLUMN w INT", MigrationOptions.defaults())).as("AUTO_INCREMENT table")
                .contains(autoIncLockPerChunk ? "uses 1 worker(s)" : "uses 2 worker(s)");
        assertThat(workersChosen(db, "keyed", "ADD COLUMN w INT", MigrationOptions.defaults())).as("no AUTO_INCREMENT column")
                .contains("uses 2 worker(s)");
        db.execute("DROP TABLE IF EXISTS _keyed_del");
        assertThat(workersChosen(db, "keyed", "ADD COLUMN x INT", MigrationOptions.defaults().withCopyWorkers(3))).as("a number given")
                .isEmpty();
        assertThat(TableContents.rows(db, "counted", List.of("id", "v"))).hasSize(5);
    }

    /** The copy's log line about its workers for this table (empty if none was written), once the migration is done. */
    private static String workersChosen(TestDatabase db, String table, String alter, MigrationOptions options) throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(CopyStep.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, table, alter,
                    options.withInstantDdl(false).withAutoApproveCutOver(true)));
            assertThat(migration.start().awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("The copy of `" + table + "` uses")).findFirst().orElse("");
    }
}
