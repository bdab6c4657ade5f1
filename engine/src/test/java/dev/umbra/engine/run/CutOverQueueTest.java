package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.cutover.CutOverStep;
import dev.umbra.engine.cutover.TwoSessionCutOver;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * The two-session cut-over's RENAME must be first in line for the original's lock when the locking
 * session lets go. It takes its metadata locks in name order, and {@code _items_gho} and
 * {@code _items_del} sort before {@code items}: a session that still holds the ghost table (an open
 * transaction that read it, a DBA's {@code SELECT COUNT(*)}, InnoDB's purge or statistics threads
 * on MariaDB) keeps the RENAME waiting there. If the lock were released then, the writers waiting
 * for {@code items} would commit into the table that is about to become {@code _items_del}.
 *
 * <p>Found by the 1,000,000-row benchmark on MariaDB (eight writes lost); here a transaction holds
 * the ghost table from just before the RENAME is sent. Without the check that the RENAME holds the
 * ghost before the lock is released, the first test loses writes on every server.
 */
class CutOverQueueTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");

    @EveryFlavor
    void writersWaitingForTheOriginalDoNotGetInWhileTheRenameWaitsForTheGhostTable(TestDatabase db) throws Exception {
        Held held = migrateWhileGhostIsHeld(db, Duration.ofMillis(1500), Duration.ofSeconds(5));

        assertThat(held.done().cutOverAttempts()).isEqualTo(1);
        // the attempt waited for the holder instead of letting the writers in
        assertThat(held.writer().longestStall()).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @EveryFlavor
    void aGhostHeldForLongerThanTheLockTimeoutFailsThatAttemptNamingTheTable(TestDatabase db) throws Exception {
        Duration lockTimeout = Duration.ofSeconds(2);
        Held held = migrateWhileGhostIsHeld(db, Duration.ofSeconds(3), lockTimeout);

        assertThat(held.done().cutOverAttempts()).isGreaterThanOrEqualTo(2);
        assertThat(held.messages()).anySatisfy(message -> assertThat(message).contains("Cut-over attempt 1 failed")
                .contains("the RENAME waited for `_items_gho`, not behind the lock on the original"));
        assertThat(held.writer().longestStall()).isLessThan(lockTimeout.plusMillis(1500));
    }

    private record Held(Progress done, MirroredWriter writer, List<String> messages) {
    }

    /**
     * Migrates under two writers while a transaction holds the ghost table from just before the
     * first RENAME is sent, for {@code hold}; checks that the migration ends Done with every row.
     */
    private static Held migrateWhileGhostIsHeld(TestDatabase db, Duration hold, Duration lockTimeout) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)
                        .withCutOverLockTimeout(lockTimeout)));
        migration.runner().hooks().useCutOver(new TwoSessionCutOver());
        AtomicReference<Thread> holding = new AtomicReference<>();
        migration.runner().hooks().onCutOver((step, sessions) -> {
            if (step == CutOverStep.LOCK_CHECKED && holding.get() == null) {
                holding.set(holdGhostTable(db, hold));
            }
        });
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            writer.start(2);
            done = migration.start().awaitEnd(Duration.ofSeconds(90));
        }
        holding.get().join();
        List<String> messages = migration.snapshots().stream().map(Progress::message).toList();

        System.out.printf("[%s] ghost held %d ms during the cut-over: %d attempt(s), writer's longest stall %d ms; %s%n", db,
                hold.toMillis(), done.cutOverAttempts(), writer.longestStall().toMillis(),
                messages.stream().filter(message -> message.contains("attempt")).findFirst().orElse("no attempt failed"));
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(writer.errors()).isEmpty();
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        return new Held(done, writer, messages);
    }

    /** Reads the ghost table in a transaction that stays open for {@code hold}, then ends it. */
    private static Thread holdGhostTable(TestDatabase db, Duration hold) throws SQLException, InterruptedException {
        Connection holder = db.connect();
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.executeQuery("SELECT COUNT(*) FROM `_items_gho`").close();
        }
        Thread release = new Thread(() -> {
            try (holder) {
                Thread.sleep(hold.toMillis());
                holder.commit();
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "ghost-holder");
        release.start();
        return release;
    }
}
