package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.cutover.CutOverStep;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.ServerSessions;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two-step cut-over's dangerous moment: the original is renamed away and the session that is
 * to rename the new table into place is lost. The table must never stay missing silently.
 */
class TwoStepCutOverFaultsTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** A new session renames the original back, and the next attempt swaps. */
    @EveryFlavor
    void aLostSessionAfterTheOriginalWasRenamedAwayIsSurvived(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        BackgroundMigration migration = new BackgroundMigration(plan(db));
        AtomicInteger kills = new AtomicInteger();
        migration.runner().hooks().onCutOver((step, sessions) -> {
            if (step == CutOverStep.RELATIONS_MOVED && kills.getAndIncrement() == 0) {
                ServerSessions.kill(db, sessions.renaming());
            }
        });

        Progress done = migration.start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.cutOverAttempts()).isEqualTo(2);
        assertThat(migration.snapshots()).anySatisfy(progress -> assertThat(progress.message())
                .contains("Cut-over attempt 1 failed").contains("the original was renamed back"));
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
    }

    /**
     * The server itself is killed (kill -9) between the two RENAMEs and started again: every session,
     * the lock's and the binlog stream's too, is gone, and the original is under its old-table name.
     * The original is renamed back through a new session, and the next attempt swaps.
     */
    @EveryFlavor
    void aServerKilledBetweenTheTwoRenamesIsSurvived(TestDatabase flavor) throws Exception {
        try (DatabaseServer server = SharedServers.startPrivate(flavor.flavor(), flavor.server().options());
             TestDatabase db = TestDatabase.on(server)) {
            SampleTable.create(db::connect, "items", 2_000);
            List<String> before = TableContents.rows(db, "items", COLUMNS);
            BackgroundMigration migration = new BackgroundMigration(plan(db));
            AtomicInteger crashes = new AtomicInteger();
            migration.runner().hooks().onCutOver((step, sessions) -> {
                if (step == CutOverStep.ORIGINAL_RENAMED && crashes.getAndIncrement() == 0) {
                    server.crash();
                    server.startAgain();
                }
            });

            Progress done = migration.start().awaitEnd(TIMEOUT);

            assertThat(done.phase()).as(done.message()).isEqualTo(Phase.DONE);
            assertThat(done.cutOverAttempts()).as(cutOverMessages(migration)).isEqualTo(2);
            assertThat(migration.snapshots()).anySatisfy(progress -> assertThat(progress.message())
                    .contains("Cut-over attempt 1 failed").contains("the original was renamed back"));
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(before);
            assertThat(TableContents.createStatement(db, "items")).contains("`status`");
            System.out.printf("[%s] killed between the renames: %d rows compared; %s%n", db, before.size(), done.message());
        }
    }

    /**
     * No session at all can rename the original back: the run fails at once, drops nothing, and its
     * status gives the statement that puts the original back, which then works.
     */
    @EveryFlavor
    void whenTheOriginalCannotBeRenamedBackNothingIsDroppedAndTheStatusSaysHowToPutItBack(TestDatabase db)
            throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        BackgroundMigration migration = new BackgroundMigration(plan(db));
        AtomicBoolean serverUnreachable = new AtomicBoolean();
        migration.runner().setSessionInitializer(connection -> {
            if (serverUnreachable.get()) {
                throw new SQLException("no new session: the test cut the server off");
            }
        });
        migration.runner().hooks().onCutOver((step, sessions) -> {
            if (step == CutOverStep.RELATIONS_MOVED) {
                serverUnreachable.set(true);
                ServerSessions.kill(db, sessions.renaming());
            }
        });

        MigrationFailedException failed = catchThrowableOfType(MigrationFailedException.class,
                () -> migration.start().awaitEnd(TIMEOUT));

        assertThat(failed).isNotNull();
        Progress last = migration.runner().progress();
        assertThat(last.phase()).isEqualTo(Phase.FAILED);
        assertThat(last.cutOverAttempts()).isEqualTo(1);
        assertThat(last.failure()).contains(FailureKind.ORIGINAL_RENAMED);
        assertThat(migration.snapshots()).as("Failed is never shown without its reason")
                .filteredOn(progress -> progress.phase() == Phase.FAILED).isNotEmpty()
                .allSatisfy(progress -> assertThat(progress.message()).contains("OriginalRenamed"));
        assertThat(failed.kind()).isEqualTo(FailureKind.ORIGINAL_RENAMED);
        String renameBack = "RENAME TABLE `" + db.schema() + "`.`_items_del` TO `" + db.schema() + "`.`items`";
        assertThat(last.message()).contains("OriginalRenamed").contains("`items` does not exist now")
                .contains("Nothing was dropped").contains(renameBack).doesNotContain("untouched");
        assertThat(TableContents.tables(db)).contains("_items_del", "_items_gho").doesNotContain("items");

        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute(renameBack);
        }
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
    }

    private static String cutOverMessages(BackgroundMigration migration) {
        return migration.snapshots().stream().filter(progress -> progress.phase() == Phase.CUT_OVER)
                .map(Progress::message).distinct().collect(java.util.stream.Collectors.joining("\n"));
    }

    private static dev.umbra.engine.plan.MigrationPlan plan(TestDatabase db) {
        return Migrations.plan(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", MigrationOptions.defaults()
                .withInstantDdl(false).withAutoApproveCutOver(true).withCutOverMethod(CutOverMethod.TWO_STEP));
    }
}
