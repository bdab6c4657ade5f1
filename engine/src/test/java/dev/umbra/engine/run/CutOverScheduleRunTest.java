package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.plan.CutOverSchedule;
import dev.umbra.engine.plan.CutOverWindow;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * An approved migration outside its cut-over schedule keeps catching up in AwaitingCutOver, says
 * what it waits for and when that opens, and cuts over once the schedule allows it, not before.
 */
class CutOverScheduleRunTest {

    @EveryFlavor
    void anApprovedCutOverWaitsForNotBeforeAndThenRuns(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
        Instant notBefore = Instant.now().plusSeconds(6); // the copy of three rows is done long before
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN w INT",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)
                        .withCutOverSchedule(new CutOverSchedule(List.of(), Optional.of(notBefore)))));
        migration.start();
        migration.await("waiting for its schedule", progress -> progress.cutOverWaitsFor().isPresent(), Duration.ofSeconds(30));
        Progress waiting = migration.runner().progress();
        db.execute("UPDATE t SET v = 20 WHERE id = 2"); // replayed while it waits

        Progress done = migration.awaitEnd(Duration.ofSeconds(30));

        assertThat(waiting.phase()).isEqualTo(Phase.AWAITING_CUT_OVER);
        assertThat(waiting.cutOverWaitsFor()).get().asString().startsWith("cut-over not before " + notBefore);
        assertThat(waiting.stage()).startsWith("waiting for cut-over not before");
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.at()).isAfterOrEqualTo(notBefore);
        assertThat(migration.snapshots()).filteredOn(progress -> progress.phase() == Phase.CUT_OVER)
                .allSatisfy(progress -> assertThat(progress.at()).isAfterOrEqualTo(notBefore.minusMillis(600)));
        assertThat(TableContents.rows(db, "t", List.of("id", "v", "w"))).containsExactly("1|1|null", "2|20|null", "3|3|null");
    }

    @EveryFlavor
    void outsideItsWindowItSaysWhenTheWindowOpensAndCanBeAborted(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 1)");
        LocalTime opens = LocalTime.now(ZoneOffset.UTC).plusHours(2).truncatedTo(ChronoUnit.MINUTES);
        CutOverWindow later = new CutOverWindow(EnumSet.allOf(DayOfWeek.class), opens, opens.plusHours(1), ZoneOffset.UTC);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN w INT",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)
                        .withCutOverSchedule(new CutOverSchedule(List.of(later), Optional.empty()))));
        migration.start();
        migration.await("waiting for its window", progress -> progress.cutOverWaitsFor().isPresent(), Duration.ofSeconds(30));
        Progress waiting = migration.runner().progress();
        migration.runner().control().abort();
        assertThatThrownBy(() -> migration.awaitEnd(Duration.ofSeconds(30))).isInstanceOf(MigrationAbortedException.class);

        assertThat(waiting.cutOverWaitsFor()).get().asString()
                .startsWith("cut-over window Mon-Sun " + opens + "-" + opens.plusHours(1) + " Z (next opens in ")
                .matches(".*\\(next opens in (1h5\\dm|2h0m)\\)");
        assertThat(migration.runner().progress().phase()).isEqualTo(Phase.ABORTED);
        assertThat(TableContents.tables(db)).containsExactly("t");
    }
}
