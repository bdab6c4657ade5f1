package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.plan.TableName;
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
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A run owns its table while it holds the table's migration lock and its helper tables carry its
 * run id; it touches helper tables only then. A run whose server was replaced, whose lock another
 * session took, or whose helper tables vanished stops with that reason and drops nothing; a run
 * that only lost its lock's session takes the lock again and goes on.
 */
class TableOwnershipTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    /** Cut-over waits for approval: the runs below are faulted while they wait. */
    private static final MigrationOptions WAITING = MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO);

    /**
     * The fault of the issue: run A waits for its cut-over; its address now leads to another server
     * with the same schema, where run B migrates the same table. A must stop within seconds, name
     * both servers, and leave B's helper tables alone; B must finish as if A had never been.
     */
    @EveryFlavor
    void aRunWhoseServerIsReplacedStopsAndLeavesTheNewServersTablesAlone(TestDatabase replacement) throws Exception {
        SampleTable.create(replacement::connect, "items", 1_000);
        try (DatabaseServer first = SharedServers.startPrivate(replacement.flavor(), replacement.server().options());
             TestDatabase original = TestDatabase.sameSchemaOn(first, replacement.schema());
             TcpProxy address = TcpProxy.to(first.host(), first.port())) {
            SampleTable.create(original::connect, "items", 1_000);
            BackgroundMigration a = new BackgroundMigration(new MigrationPlan(new ConnectionSettings(address.host(), address.port(),
                    replacement.user(), replacement.password()), replacement.schema(), "items", ALTER, WAITING)).start();
            a.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);

            address.retarget(replacement.port());
            address.cutAll();
            try (MirroredWriter writer = new MirroredWriter(replacement::connect, "items")) {
                writer.start(2);
                BackgroundMigration b = new BackgroundMigration(Migrations.plan(replacement, "items", ALTER, WAITING)).start();
                long stopped = System.nanoTime();
                assertThatThrownBy(() -> a.awaitEnd(TIMEOUT)).isInstanceOf(MigrationFailedException.class);
                Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - stopped);
                assertThat(stoppedAfter).isLessThan(Duration.ofSeconds(30));
                Progress failed = a.runner().progress();
                System.out.printf("[%s] the replaced server's run stopped after %.1f s: %s%n", replacement,
                        stoppedAfter.toMillis() / 1000.0, failed.message());
                assertThat(failed.phase()).isEqualTo(Phase.FAILED);
                assertThat(failed.failure()).contains(FailureKind.OWNERSHIP_LOST);
                assertThat(failed.message()).contains("is not the one this migration started on")
                        .contains("server_id " + first.serverId()).contains("server_id " + replacement.server().serverId())
                        .contains("every table was left alone").doesNotContain("were dropped");

                b.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT); // A's clean-up, if any, ran before A ended
                assertThat(TableContents.tables(replacement)).contains("_items_gho", "_items_ghc");
                b.runner().control().approveCutOver();
                Progress done = b.awaitEnd(TIMEOUT);
                writer.close();
                assertThat(done.phase()).isEqualTo(Phase.DONE);
                assertThat(writer.errors()).isEmpty();
                assertThat(TableContents.rows(replacement, "items", COLUMNS))
                        .isEqualTo(TableContents.rows(replacement, writer.mirror(), COLUMNS));
            }
            // A's own tables stay on the server it can no longer reach, for a person to look at.
            assertThat(TableContents.tables(original)).contains("_items_gho", "_items_ghc");
        }
    }

    @EveryFlavor
    void aRunWhoseLockAnotherSessionTookStopsAndLeavesTheTablesAlone(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        List<String> before = TableContents.rows(db, "items", COLUMNS);
        BackgroundMigration run = new BackgroundMigration(Migrations.plan(db, "items", ALTER, WAITING)).start();
        run.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
        long lockSession = lockHolder(db, "items").orElseThrow();
        try (Connection other = db.connect()) {
            CompletableFuture<Boolean> taken = CompletableFuture.supplyAsync(() -> getLock(other, db, "items"));
            await(() -> sessionWaitsForLock(db), "the other session to wait for the lock");
            kill(db, lockSession);
            assertThat(taken.get(30, TimeUnit.SECONDS)).as("the other session got the lock").isTrue();

            assertThatThrownBy(() -> run.awaitEnd(TIMEOUT)).isInstanceOf(MigrationFailedException.class);
            Progress failed = run.runner().progress();
            assertThat(failed.failure()).contains(FailureKind.OWNERSHIP_LOST);
            assertThat(failed.message()).contains("was lost with this run's session")
                    .contains("holds it now: another run owns the table").contains("every table was left alone");
            assertThat(TableContents.tables(db)).contains("_items_gho", "_items_ghc", "_items_ghk");
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(before);
        }
    }

    @EveryFlavor
    void aRunWhoseHelperTableVanishesStopsWithinSeconds(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        List<String> before = TableContents.rows(db, "items", COLUMNS);
        BackgroundMigration run = new BackgroundMigration(Migrations.plan(db, "items", ALTER, WAITING)).start();
        run.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);

        db.server().executeAsRoot("DROP TABLE `" + db.schema() + "`.`_items_gho`");
        long dropped = System.nanoTime();
        assertThatThrownBy(() -> run.awaitEnd(TIMEOUT)).isInstanceOf(MigrationFailedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isLessThan(Duration.ofSeconds(15));
        assertThat(run.runner().progress().failure()).contains(FailureKind.OWNERSHIP_LOST);
        assertThat(run.runner().progress().message())
                .contains("the helper table `_items_gho` of this run is gone").contains("every table was left alone");
        assertThat(TableContents.tables(db)).contains("_items_ghc").doesNotContain("_items_gho");
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(before);
    }

    /** The lock's session alone is killed, on a server that stays: the run takes the lock again and finishes. */
    @EveryFlavor
    void aRunThatLostOnlyItsLockSessionTakesTheLockAgainAndFinishes(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_500);
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(2);
            BackgroundMigration run = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                    WAITING.withChunkSize(50))).start();
            await(() -> run.runner().progress().rowsCopied() > 0, "the copy to be under way");
            long first = lockHolder(db, "items").orElseThrow();
            kill(db, first);
            await(() -> lockHolder(db, "items").stream().anyMatch(holder -> holder != first),
                    () -> "the lock to be taken again; the run is at " + run.runner().progress());
            run.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            run.runner().control().approveCutOver();
            Progress done = run.awaitEnd(TIMEOUT);
            writer.close();
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
            assertThat(TableContents.tables(db)).containsExactlyInAnyOrder("items", "items_mirror", "_items_del");
        }
    }

    /**
     * Every connection of the run goes silent without a reset (a lost node, a black-holing
     * firewall): the server still sees the lock's session, and the lock held by it. The run
     * recognises it as its own, ends it, and takes the lock on a new session; the binlog stream
     * drops its silent connection and reconnects; the cut-over runs on new sessions, and the run
     * finishes while the old connections are still silent.
     */
    @EveryFlavor
    void aLockHeldByTheRunsOwnSilentSessionIsTakenBack(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        try (TcpProxy network = TcpProxy.to(db.host(), db.port())) {
            BackgroundMigration run = new BackgroundMigration(new MigrationPlan(new ConnectionSettings(network.host(),
                    network.port(), db.user(), db.password()), db.schema(), "items", ALTER, WAITING)).start();
            run.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            long silent = lockHolder(db, "items").orElseThrow();

            network.freezeAll();
            long frozenAt = System.nanoTime();
            int statusUpdates = run.snapshots().size();
            await(() -> run.snapshots().size() >= statusUpdates + 3, "status updates while the connections are silent");
            // every 2 s; a silent heartbeat or checkpoint session had held them up until it errored
            assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isLessThan(Duration.ofSeconds(9));
            await(() -> lockHolder(db, "items").stream().anyMatch(holder -> holder != silent), "the lock to be taken back");
            assertThat(sessionExists(db, silent)).as("the silent session was ended").isFalse();

            run.runner().control().approveCutOver();
            assertThat(run.awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
            assertThat(TableContents.createStatement(db, "items")).contains("`status`");
        }
    }

    static OptionalLong lockHolder(TestDatabase db, String table) {
        try (Connection root = db.server().connectAsRoot();
             PreparedStatement statement = root.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            statement.setString(1, MigrationLock.name(new TableName(db.schema(), table)));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getObject(1) == null ? OptionalLong.empty() : OptionalLong.of(row.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean getLock(Connection session, TestDatabase db, String table) {
        try (PreparedStatement statement = session.prepareStatement("SELECT GET_LOCK(?, 30)")) {
            statement.setString(1, MigrationLock.name(new TableName(db.schema(), table)));
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sessionWaitsForLock(TestDatabase db) {
        return count(db, "INFO LIKE 'SELECT GET_LOCK(%'") > 0;
    }

    private static boolean sessionExists(TestDatabase db, long id) {
        return count(db, "ID = " + id) > 0;
    }

    private static long count(TestDatabase db, String condition) {
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE " + condition)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void kill(TestDatabase db, long session) throws SQLException {
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement()) {
            statement.execute("KILL " + session);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
