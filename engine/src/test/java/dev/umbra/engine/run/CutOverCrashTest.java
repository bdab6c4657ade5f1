package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.cutover.CutOver;
import dev.umbra.engine.cutover.CutOverHook;
import dev.umbra.engine.cutover.CutOverStep;
import dev.umbra.engine.cutover.TwoSessionCutOver;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.ServerSessions;
import dev.umbra.engine.testing.TableWatcher;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The engine's cut-over sessions killed from the outside at each step of a cut-over, under live
 * writers: at every moment some table serves under the original name (a reader never sees "Table
 * doesn't exist"), no acknowledged write is lost (the table equals the writers' mirror), and the
 * migration ends Done on a later attempt.
 *
 * <p>Each server's own method runs where it matters (one session on MySQL 8, two on MariaDB and
 * MySQL 5.7); the steps that exist only in the two-session form run it on every server (MySQL 8
 * supports it as well).
 */
class CutOverCrashTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @EveryFlavor
    void killingTheLockingSessionAsSoonAsItLocksFailsOnlyThatAttempt(TestDatabase db) throws Exception {
        Crash crash = crash(db, null, CutOverStep.LOCKED, CutOverHook.Sessions::locking);
        assertThat(crash.done().cutOverAttempts()).as("attempts").isGreaterThanOrEqualTo(2);
        assertThat(crash.messages()).anySatisfy(message -> assertThat(message).contains("Cut-over attempt 1 failed"));
    }

    /** Between the lock and the rename: the last changes are applied, the RENAME not yet issued. */
    @EveryFlavor
    void killingTheLockingSessionOnceCaughtUpFailsOnlyThatAttempt(TestDatabase db) throws Exception {
        Crash crash = crash(db, null, CutOverStep.CAUGHT_UP, CutOverHook.Sessions::locking);
        assertThat(crash.done().cutOverAttempts()).as("attempts").isGreaterThanOrEqualTo(2);
        assertThat(crash.messages()).anySatisfy(message -> assertThat(message).contains("Cut-over attempt 1 failed"));
    }

    /**
     * The narrowest window: the locking session was just seen alive and dies before the RENAME
     * reaches the server. The RENAME then finds no lock to queue behind; it must fail rather than
     * swap tables that writers have changed since the last applied change.
     */
    @EveryFlavor
    void killingTheLockingSessionJustBeforeTheRenameIsSentFailsOnlyThatAttempt(TestDatabase db) throws Exception {
        Crash crash = crash(db, new TwoSessionCutOver(), CutOverStep.LOCK_CHECKED, CutOverHook.Sessions::locking);
        assertThat(crash.done().cutOverAttempts()).as("attempts").isGreaterThanOrEqualTo(2);
        assertThat(crash.messages()).anySatisfy(message -> assertThat(message).contains("Cut-over attempt 1 failed"));
    }

    /**
     * The RENAME is queued first in line for the original, so when the lock goes with its session it
     * swaps the tables before any waiting writer gets in: either this attempt swaps, or it fails.
     */
    @EveryFlavor
    void killingTheLockingSessionWhileTheRenameWaitsSwapsOrFailsTheAttempt(TestDatabase db) throws Exception {
        crash(db, new TwoSessionCutOver(), CutOverStep.RENAME_QUEUED, CutOverHook.Sessions::locking);
    }

    @EveryFlavor
    void killingTheRenamingSessionWhileItsRenameWaitsFailsOnlyThatAttempt(TestDatabase db) throws Exception {
        Crash crash = crash(db, new TwoSessionCutOver(), CutOverStep.RENAME_QUEUED, CutOverHook.Sessions::renaming);
        assertThat(crash.done().cutOverAttempts()).as("attempts").isGreaterThanOrEqualTo(2);
        assertThat(crash.messages()).anySatisfy(message -> assertThat(message).contains("Cut-over attempt 1 failed"));
    }

    /**
     * After the RENAME, before the attempt released its lock and reported: the swap has happened
     * and must be reported as such (on MySQL 8 the session that renamed still holds the lock).
     */
    @EveryFlavor
    void killingTheRenamingSessionRightAfterTheSwapStillEndsDone(TestDatabase db) throws Exception {
        Crash crash = crash(db, null, CutOverStep.SWAPPED, CutOverHook.Sessions::renaming);
        assertThat(crash.done().cutOverAttempts()).as("attempts").isEqualTo(1);
    }

    /**
     * A locking session lost without dying (its node gone, or a KILL that MySQL 5.7 leaves waiting
     * for its client) keeps its table locks until the server gives up on its client: that must be
     * about a minute, not the server's default of eight hours.
     */
    @EveryFlavor
    void theLockingSessionIsEndedByTheServerSoonAfterItsClientStopsTalking(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 200);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withCutOverLockTimeout(Duration.ofSeconds(3))));
        List<Long> idleLimits = new java.util.concurrent.CopyOnWriteArrayList<>();
        migration.runner().hooks().onCutOver((reached, sessions) -> {
            if (reached == CutOverStep.LOCKED) {
                try (java.sql.Statement statement = sessions.locking().createStatement();
                     java.sql.ResultSet row = statement.executeQuery("SELECT @@SESSION.wait_timeout")) {
                    row.next();
                    idleLimits.add(row.getLong(1));
                }
            }
        });
        assertThat(migration.start().awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
        assertThat(idleLimits).isNotEmpty().allSatisfy(seconds -> assertThat(seconds).isBetween(6L, 60L));
    }

    private record Crash(Progress done, List<String> messages) {
    }

    /**
     * Migrates under two writers and a reader, killing the session {@code victim} picks when the
     * first attempt reaches {@code step}; checks that the migration ends Done with every row.
     */
    private static Crash crash(TestDatabase db, CutOver method, CutOverStep step,
                               Function<CutOverHook.Sessions, Connection> victim) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withCutOverLockTimeout(Duration.ofSeconds(3))));
        if (method != null) {
            migration.runner().hooks().useCutOver(method);
        }
        AtomicInteger kills = new AtomicInteger();
        migration.runner().hooks().onCutOver((reached, sessions) -> {
            if (reached == step && kills.get() == 0) {
                ServerSessions.kill(db, victim.apply(sessions));
                kills.incrementAndGet();
            }
        });
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        TableWatcher watcher;
        try (writer) {
            writer.start(2);
            watcher = new TableWatcher(db, "items");
            try (watcher) {
                done = migration.start().awaitEnd(TIMEOUT);
            }
        }
        List<String> messages = migration.snapshots().stream().map(Progress::message).toList();
        System.out.printf("[%s] killed at %s: %d attempt(s), %d reads, writer's longest stall %d ms; %s%n", db, step,
                done.cutOverAttempts(), watcher.reads(), writer.longestStall().toMillis(),
                messages.stream().filter(message -> message.contains("attempt")).findFirst().orElse("no attempt failed"));

        assertThat(kills.get()).as("sessions killed at " + step).isEqualTo(1);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(watcher.errors()).as("reads of `items` during the cut-over").isEmpty();
        assertThat(writer.errors()).as("writes during the cut-over").isEmpty();
        assertThat(TableContents.createStatement(db, "items")).contains("`status`");
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        assertThat(TableContents.tables(db)).as("tables left").containsExactlyInAnyOrder("items", "items_mirror", "_items_del");
        return new Crash(done, messages);
    }
}
