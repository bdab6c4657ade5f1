package dev.umbra.engine.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.ServerSessions;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work as the table's owner (the drops of a clean-up) survives losing the lock's session midway,
 * as it does when a failover kills every session of the run: the lock is taken again, which
 * proves the table is still the run's, and the work runs again. CI once left a failed run's
 * helper tables behind this way ("Communications link failure" on the lock session).
 */
class AsOwnerTest {

    @EveryFlavor
    void workWhoseLockSessionIsKilledRunsAgainOnANewSessionThatHoldsTheLock(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY)", "CREATE TABLE _items_gho (id INT PRIMARY KEY)");
        try (Connections connections = connections(db); TableOwnership ownership = owner(db, connections)) {
            AtomicInteger runs = new AtomicInteger();

            String outcome = ownership.asOwner(session -> {
                if (runs.incrementAndGet() == 1) {
                    kill(db, session);
                }
                try (Statement statement = session.createStatement()) {
                    statement.execute("DROP TABLE IF EXISTS `_items_gho`");
                }
                return "dropped";
            });

            assertThat(outcome).isEqualTo("dropped");
            assertThat(runs).hasValue(2);
            assertThat(TableContents.tables(db)).containsExactly("items");
            try (Connection other = db.connect()) {
                assertThat(MigrationLock.tryAcquire(other, new TableName(db.schema(), "items"), Duration.ZERO))
                        .as("the lock is still the run's").isFalse();
            }
        }
    }

    /**
     * The clean-up had dropped the ghost when its session was lost (CI: a failed run left
     * `_items_ghc` and `_items_ghk` behind, "the helper table `_items_gho` of this run is gone"):
     * the ghost's absence proves nothing then, the changelog that still carries the run's id does.
     */
    @EveryFlavor
    void workThatHadDroppedSomeHelperTablesWhenItsSessionWasLostRunsAgainAndDropsTheRest(TestDatabase db)
            throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY)", "CREATE TABLE _items_gho (id INT PRIMARY KEY)",
                "CREATE TABLE _items_ghk (id INT PRIMARY KEY)");
        try (Connections connections = connections(db); TableOwnership ownership = owner(db, connections)) {
            try (Connection connection = db.connect()) {
                new Changelog(new TableName(db.schema(), "_items_ghc")).create(connection, ownership.runId());
            }
            ownership.claimHelpers(true);
            ownership.watchHelpers(true);
            AtomicInteger runs = new AtomicInteger();

            ownership.asOwner(session -> {
                runs.incrementAndGet();
                drop(session, "_items_gho");
                if (runs.get() == 1) {
                    kill(db, session);
                }
                drop(session, "_items_ghk");
                drop(session, "_items_ghc");
                return null;
            });

            assertThat(runs).hasValue(2);
            assertThat(TableContents.tables(db)).containsExactly("items");
        }
    }

    @EveryFlavor
    void aChangelogOfAnotherRunFoundWhenTheWorkRunsAgainStopsItAndLeavesTheTablesAlone(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY)", "CREATE TABLE _items_gho (id INT PRIMARY KEY)");
        try (Connections connections = connections(db); TableOwnership ownership = owner(db, connections)) {
            try (Connection connection = db.connect()) {
                new Changelog(new TableName(db.schema(), "_items_ghc")).create(connection, ownership.runId());
            }
            ownership.claimHelpers(true);
            AtomicInteger runs = new AtomicInteger();

            assertThatThrownBy(() -> ownership.asOwner(session -> {
                runs.incrementAndGet();
                // Another run's changelog in its place, as if the table had changed hands meanwhile.
                try (Connection other = db.connect()) {
                    drop(other, "_items_ghc");
                    new Changelog(new TableName(db.schema(), "_items_ghc")).create(other, java.util.UUID.randomUUID());
                }
                kill(db, session);
                drop(session, "_items_gho");
                return null;
            })).isInstanceOf(OwnershipLostException.class).hasMessageContaining("is not this run's");

            assertThat(runs).hasValue(1);
            assertThat(TableContents.tables(db)).contains("_items_gho", "_items_ghc");
        }
    }

    @EveryFlavor
    void anyOtherErrorEndsTheWorkAtOnce(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY)");
        try (Connections connections = connections(db); TableOwnership ownership = owner(db, connections)) {
            AtomicInteger runs = new AtomicInteger();

            assertThatThrownBy(() -> ownership.asOwner(session -> {
                runs.incrementAndGet();
                try (Statement statement = session.createStatement()) {
                    statement.execute("DROP TABLE `no_such_table`");
                }
                return null;
            })).isInstanceOf(SQLException.class).hasMessageContaining("no_such_table");
            assertThat(runs).hasValue(1);
        }
    }

    private static Connections connections(TestDatabase db) {
        return new Connections(Migrations.plan(db, "items", "ADD COLUMN c INT").connection(), db.schema());
    }

    private static TableOwnership owner(TestDatabase db, Connections connections) throws Exception {
        Connection lockSession = connections.open();
        MigrationLock.acquire(lockSession, new TableName(db.schema(), "items"));
        return new TableOwnership(connections, new TableName(db.schema(), "items"), HelperTables.forTable("items"), lockSession,
                Duration.ofSeconds(30));
    }

    private static void drop(Connection session, String table) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS `" + table + "`");
        }
    }

    private static void kill(TestDatabase db, Connection session) throws SQLException {
        try {
            ServerSessions.kill(db, session);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }
}
