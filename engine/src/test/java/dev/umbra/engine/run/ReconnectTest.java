package dev.umbra.engine.run;

import static dev.umbra.engine.run.ThrottleTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TcpProxy;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copy, apply and the binlog stream survive losing their sessions (a KILL, a dropped binlog
 * connection, a restart of the server) and end with the table equal to the writer's mirror: no
 * change lost, none applied twice. A server that comes back read-only fails the migration.
 */
class ReconnectTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> SHARED_COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    /** The chunk copy: reads the original with a locking read ({@code FOR SHARE NOWAIT}, {@code LOCK IN SHARE MODE [NOWAIT]}). */
    private static final String COPY_STATEMENT = "INSERT INTO %`\\_items\\_gho`% SHARE%";
    /** The binlog apply: row values or deletes by key, never a read of the original. */
    private static final String APPLY_STATEMENT = "INSERT INTO %`\\_items\\_gho`%VALUES%";

    @EveryFlavor
    void aKilledCopyConnectionIsReopenedAndTheCopyGoesOn(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 3_000);
        MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withAutoApproveCutOver(true).withChunkSize(20);
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(2);
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options)).start();
            long killed = killSessionRunning(db, COPY_STATEMENT);
            // A migration that failed instead ends the wait at once; awaitEnd then reports why.
            try {
                await(() -> migration.runner().progress().rowsCopied() > 0 && sessionGone(db, killed)
                        || migration.runner().progress().phase().isFinal(), "the copy to go on");
            } catch (AssertionError timedOut) {
                throw new AssertionError(timedOut.getMessage() + "; killed session " + killed + " gone: " + sessionGone(db, killed)
                        + "; progress: " + migration.runner().progress() + "; sessions: " + sessions(db)
                        + "; transactions: " + transactions(db), timedOut);
            }
            assertEqualsMirror(db, writer, migration.awaitEnd(TIMEOUT));
        }
    }

    @EveryFlavor
    void aKilledApplyConnectionIsReopenedAndNoChangeIsLostOrRepeated(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(3);
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                    MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO))).start();
            migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            killSessionRunning(db, APPLY_STATEMENT);
            long applied = migration.runner().progress().eventsApplied();
            await(() -> migration.runner().progress().eventsApplied() > applied + 100, "changes applied after the kill");
            migration.runner().control().approveCutOver();
            assertEqualsMirror(db, writer, migration.awaitEnd(TIMEOUT));
        }
    }

    @EveryFlavor
    void aDroppedBinlogConnectionResumesWhereItStopped(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 5_000);
        MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withAutoApproveCutOver(true).withChunkSize(50);
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(3);
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options)).start();
            migration.awaitPhase(Phase.COPYING, TIMEOUT);
            for (int kill = 0; kill < 2; kill++) {
                long applied = migration.runner().progress().eventsApplied();
                killSessionWhere(db, "COMMAND LIKE 'Binlog Dump%'");
                await(() -> migration.runner().progress().eventsApplied() > applied + 50
                        || migration.runner().progress().phase().isFinal(), "changes applied after the binlog kill");
            }
            assertEqualsMirror(db, writer, migration.awaitEnd(TIMEOUT));
        }
    }

    /**
     * The binlog stream is lost as the cut-over is approved and is slow to come back: no attempt
     * locks the table while the applier cannot catch up (writers would wait under the lock for
     * nothing, attempt after attempt). The cut-over waits without a lock, says so, and its first
     * attempt swaps once the stream is back.
     */
    @EveryFlavor
    void theCutOverWaitsWithoutALockForALostBinlogStream(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        AtomicBoolean reconnectHeld = new AtomicBoolean();
        // The default lock timeout: a short one can fail an attempt under the writers on a slow machine.
        MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false);
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(2);
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options));
            migration.runner().setSessionInitializer(session -> {
                while (reconnectHeld.get() && Thread.currentThread().getName().equals("umbra-binlog-reconnect")) {
                    pauseBriefly();
                }
            });
            migration.start().awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            reconnectHeld.set(true);
            killSessionWhere(db, "COMMAND LIKE 'Binlog Dump%'");
            migration.runner().control().approveCutOver();
            await(() -> migration.runner().progress().stage().contains("waiting for the binlog applier to catch up")
                    || migration.runner().progress().phase().isFinal(), "the cut-over to wait for the stream");
            // Long enough for an attempt that locked the table anyway to time out and count.
            Thread.sleep(options.cutOverLockTimeout().toMillis() + 1_000);
            reconnectHeld.set(false);
            Progress done = migration.awaitEnd(TIMEOUT);
            assertThat(done.cutOverAttempts()).as("attempts made while the stream was lost").isEqualTo(1);
            assertEqualsMirror(db, writer, done);
        }
    }

    private static void pauseBriefly() throws SQLException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }

    @EveryFlavor
    void aServerKilledAndStartedAgainDuringTheCopyIsRiddenOut(TestDatabase flavor) throws Exception {
        try (DatabaseServer server = SharedServers.startPrivate(flavor.flavor(), flavor.server().options());
             TestDatabase db = TestDatabase.on(server);
             MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            SampleTable.create(db::connect, "items", 10_000);
            MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withAutoApproveCutOver(true).withChunkSize(50);
            writer.start(2);
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options)).start();
            await(() -> migration.runner().progress().rowsCopied() > 500, "the copy to be under way");
            server.crash(); // kill -9: no session is told, the binlog and the lock's session break mid-stream
            long crashedAt = System.nanoTime();
            server.startAgain();
            long copied = migration.runner().progress().rowsCopied();
            long operations = writer.operations();
            await(() -> migration.runner().progress().rowsCopied() > copied || migration.runner().progress().phase().isFinal(),
                    "the copy to go on after the restart");
            System.out.printf("[%s] copying again %.1f s after the crash (server restart included)%n", db,
                    (System.nanoTime() - crashedAt) / 1e9);
            await(() -> writer.operations() > operations + 100, "the application to write again");
            assertThat(writer.reconnects()).as("the writer lost its sessions").isPositive();
            assertEqualsMirror(db, writer, migration.awaitEnd(TIMEOUT));
        }
    }

    /**
     * kill -9 while the copy is done and the run catches up with the binlog, waiting for its
     * approval: the binlog stream, the applier and the lock's session break mid-stream. After the
     * restart the run takes its lock again, the stream resumes where it was applied, the writer's
     * changes during and after the restart are applied, and the approved cut-over finishes.
     */
    @EveryFlavor
    void aServerKilledAndStartedAgainWhileCatchingUpIsRiddenOut(TestDatabase flavor) throws Exception {
        try (DatabaseServer server = SharedServers.startPrivate(flavor.flavor(), flavor.server().options());
             TestDatabase db = TestDatabase.on(server);
             MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            SampleTable.create(db::connect, "items", 3_000);
            MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO)
                    .withChunkSize(500);
            writer.start(2);
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options)).start();
            migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            await(() -> migration.runner().progress().eventsApplied() > 50, "binlog changes to be applied");
            server.crash();
            long crashedAt = System.nanoTime();
            server.startAgain();
            long applied = migration.runner().progress().eventsApplied();
            long operations = writer.operations();
            await(() -> writer.operations() > operations + 100, "the application to write again");
            await(() -> migration.runner().progress().eventsApplied() > applied + 100
                    || migration.runner().progress().phase().isFinal(), "changes after the restart to be applied");
            System.out.printf("[%s] applying again %.1f s after the crash; %s%n", db,
                    (System.nanoTime() - crashedAt) / 1e9, migration.runner().progress().message());
            assertThat(migration.runner().progress().phase()).isEqualTo(Phase.AWAITING_CUT_OVER);
            migration.runner().control().approveCutOver();
            assertEqualsMirror(db, writer, migration.awaitEnd(TIMEOUT));
            assertThat(TableContents.tables(db)).containsExactlyInAnyOrder("items", "items_mirror", "_items_del");
        }
    }

    /**
     * Every connection of the run goes silent without a reset in the middle of the copy, with the
     * application writing: the copy's and the applier's statements in flight never get an answer.
     * Their sessions are ended on both sides (on the server too, so no row lock of theirs blocks
     * the new sessions), the units run again on new sessions, and nothing is lost or repeated.
     */
    @EveryFlavor
    void copyAndApplySessionsSilencedMidStatementAreReplacedAndNoChangeIsLost(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 10_000);
        MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO)
                .withAutoApproveCutOver(true).withChunkSize(20);
        try (TcpProxy network = TcpProxy.to(db.host(), db.port()); MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(2);
            BackgroundMigration migration = new BackgroundMigration(new MigrationPlan(new ConnectionSettings(network.host(),
                    network.port(), db.user(), db.password()), db.schema(), "items", ALTER, options)).start();
            await(() -> migration.runner().progress().rowsCopied() > 1_000, "the copy to be under way");

            network.freezeAll();
            long copied = migration.runner().progress().rowsCopied();
            long applied = migration.runner().progress().eventsApplied();
            await(() -> migration.runner().progress().rowsCopied() > copied + 1_000
                    && migration.runner().progress().eventsApplied() > applied + 100
                    || migration.runner().progress().phase().isFinal(), "the copy and the applier to go on after the silence");

            assertEqualsMirror(db, writer, migration.awaitEnd(TIMEOUT));
        }
    }

    @EveryFlavor
    void aServerThatComesBackReadOnlyFailsTheMigrationClearly(TestDatabase flavor) throws Exception {
        try (DatabaseServer server = SharedServers.startPrivate(flavor.flavor(), flavor.server().options());
             TestDatabase db = TestDatabase.on(server)) {
            SampleTable.create(db::connect, "items", 5_000);
            List<String> before = TableContents.rows(db, "items", SHARED_COLUMNS);
            MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withAutoApproveCutOver(true).withChunkSize(10);
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER, options)).start();
            await(() -> migration.runner().progress().rowsCopied() > 100, "the copy to be under way");
            // As a failover leaves the old primary: read-only, every session of the migration gone
            // (the test account has SUPER, which read_only does not stop: only Umbra's check does).
            server.executeAsRoot("SET GLOBAL read_only = ON");
            killEverySessionOf(db);
            assertThatThrownBy(() -> migration.awaitEnd(TIMEOUT)).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("the server 127.0.0.1:" + server.port() + " is read-only: is it still the primary?");
            Progress failed = migration.runner().progress();
            assertThat(failed.phase()).isEqualTo(Phase.FAILED);
            assertThat(failed.message()).contains("is read-only: is it still the primary?")
                    .contains("The original table is untouched");
            assertThat(TableContents.rows(db, "items", SHARED_COLUMNS)).isEqualTo(before);
            assertThat(TableContents.tables(db)).containsExactly("items", "items_mirror");
        }
    }

    @EveryFlavor
    void aServerTurnedReadOnlyUnderAnOrdinaryAccountFailsAndSaysWhichHelperTablesAreLeft(TestDatabase flavor) throws Exception {
        try (DatabaseServer server = SharedServers.startPrivate(flavor.flavor(), flavor.server().options());
             TestDatabase db = TestDatabase.on(server)) {
            SampleTable.create(db::connect, "items", 5_000);
            List<String> before = TableContents.rows(db, "items", SHARED_COLUMNS);
            // The grants Umbra asks for, and no SUPER: read_only stops this account's writes.
            server.executeAsRoot("CREATE USER 'ordinary'@'%' IDENTIFIED BY 'Ordinary-Pa55'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON `" + db.schema() + "`.* TO 'ordinary'@'%'",
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'ordinary'@'%'");
            MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withChunkSize(10);
            MigrationPlan plan = new MigrationPlan(new ConnectionSettings(db.host(), db.port(), "ordinary", "Ordinary-Pa55"),
                    db.schema(), "items", ALTER, options);
            BackgroundMigration migration = new BackgroundMigration(plan).start();
            await(() -> migration.runner().progress().rowsCopied() > 100, "the copy to be under way");

            server.executeAsRoot("SET GLOBAL read_only = ON");

            assertThatThrownBy(() -> migration.awaitEnd(TIMEOUT)).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("read-only");
            Progress failed = migration.runner().progress();
            assertThat(failed.phase()).isEqualTo(Phase.FAILED);
            // The status must not claim a clean-up that the server refused.
            assertThat(failed.message()).contains("The original table is untouched")
                    .contains("the helper tables `_items_gho` and `_items_ghc` could not be dropped")
                    .contains("drop them by hand").doesNotContain("were dropped");
            assertThat(TableContents.rows(db, "items", SHARED_COLUMNS)).isEqualTo(before);
            assertThat(TableContents.tables(db)).contains("_items_gho", "_items_ghc");
        }
    }

    private static void assertEqualsMirror(TestDatabase db, MirroredWriter writer, Progress done) throws Exception {
        writer.close();
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        List<String> migrated = TableContents.rows(db, "items", SHARED_COLUMNS);
        List<String> mirror = TableContents.rows(db, writer.mirror(), SHARED_COLUMNS);
        assertThat(migrated).hasSize(mirror.size());
        assertThat(migrated).isEqualTo(mirror);
        assertThat(writer.errors()).isEmpty();
        System.out.printf("[%s] %d rows compared with the mirror; %s%n", db, migrated.size(), done.message());
        assertThat(TableContents.createStatement(db, "items")).contains("`status`");
    }

    /** Kills (KILL, the whole connection) the first session of the test user seen running such a statement. */
    private static long killSessionRunning(TestDatabase db, String statementPattern) throws Exception {
        return killSessionWhere(db, "DB = '" + db.schema() + "' AND INFO LIKE '" + statementPattern + "'");
    }

    private static void killEverySessionOf(TestDatabase db) throws Exception {
        try (Connection root = db.server().connectAsRoot();
             PreparedStatement find = root.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            find.setString(1, db.user());
            List<Long> ids = new java.util.ArrayList<>();
            try (ResultSet row = find.executeQuery()) {
                while (row.next()) {
                    ids.add(row.getLong(1));
                }
            }
            assertThat(ids).as("the migration's sessions").isNotEmpty();
            for (long id : ids) {
                try (Statement kill = root.createStatement()) {
                    kill.execute("KILL " + id);
                } catch (SQLException ended) {
                    // it ended between the look and the kill
                }
            }
        }
    }

    private static long killSessionWhere(TestDatabase db, String condition) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Connection root = db.server().connectAsRoot();
             PreparedStatement find = root.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND "
                     + condition + " LIMIT 1")) {
            find.setString(1, db.user());
            while (System.nanoTime() < deadline) {
                Optional<Long> id = Optional.empty();
                try (ResultSet row = find.executeQuery()) {
                    if (row.next()) {
                        id = Optional.of(row.getLong(1));
                    }
                }
                if (id.isPresent()) {
                    try (Statement kill = root.createStatement()) {
                        kill.execute("KILL " + id.get());
                        return id.get();
                    } catch (SQLException ended) {
                        continue; // it ended between the look and the kill: look again
                    }
                }
                Thread.sleep(2);
            }
        }
        throw new AssertionError("no session of " + db.user() + " where " + condition + " within " + TIMEOUT.toSeconds() + " s");
    }

    /** The test user's sessions as the processlist shows them, for a failure message. */
    private static List<String> sessions(TestDatabase db) {
        List<String> sessions = new java.util.ArrayList<>();
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
             ResultSet row = statement.executeQuery("SELECT ID, COMMAND, TIME, STATE, LEFT(INFO, 80) FROM information_schema.PROCESSLIST"
                     + " WHERE USER = '" + db.user() + "'")) {
            while (row.next()) {
                sessions.add(row.getLong(1) + " " + row.getString(2) + " " + row.getLong(3) + "s " + row.getString(4) + ": " + row.getString(5));
            }
        } catch (SQLException e) {
            sessions.add("processlist unreadable: " + e.getMessage());
        }
        return sessions;
    }

    /** InnoDB's open transactions, for a failure message: who holds or waits for what. */
    private static List<String> transactions(TestDatabase db) {
        List<String> transactions = new java.util.ArrayList<>();
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
             ResultSet row = statement.executeQuery("SELECT trx_mysql_thread_id, trx_state, trx_operation_state, trx_started,"
                     + " trx_rows_locked, trx_rows_modified, trx_lock_structs, LEFT(trx_query, 60), trx_requested_lock_id"
                     + " FROM information_schema.INNODB_TRX")) {
            while (row.next()) {
                transactions.add("thread " + row.getLong(1) + " " + row.getString(2) + " op=" + row.getString(3) + " since "
                        + row.getString(4) + " locked=" + row.getLong(5) + " modified=" + row.getLong(6) + " structs=" + row.getLong(7)
                        + " query=" + row.getString(8) + " waits for " + row.getString(9));
            }
        } catch (SQLException e) {
            transactions.add("INNODB_TRX unreadable: " + e.getMessage());
        }
        return transactions;
    }

    private static boolean sessionGone(TestDatabase db, long id) {
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id)) {
            row.next();
            return row.getInt(1) == 0;
        } catch (SQLException e) {
            return false;
        }
    }
}
