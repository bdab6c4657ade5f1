package dev.umbra.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestDatabase;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's two kinds of session: pooled ones for the copy workers and the applier, dedicated
 * ones for everything that holds locks or session state. Both must be set up alike, a session that
 * lost its server must never be handed out again, and closing ends every pooled session.
 */
class ConnectionsTest {

    @EveryFlavor
    void pooledAndDedicatedSessionsAreSetUpAlike(TestDatabase db) throws Exception {
        try (Connections connections = connectionsTo(db)) {
            List<String> dedicated;
            try (Connection session = connections.open()) {
                dedicated = sessionSetUp(session);
            }
            try (Connection session = connections.borrow()) {
                assertThat(sessionSetUp(session)).isEqualTo(dedicated);
            }
            assertThat(dedicated).containsExactly("+00:00", dedicated.get(1), "READ-COMMITTED", "utf8mb4", db.schema());
            assertThat(dedicated.get(1).split(",")).containsExactlyInAnyOrder(Connections.SESSION_SQL_MODE.split(","));
        }
    }

    @EveryFlavor
    void aSessionGivenBackIsReusedAndADiscardedOneIsNeverHandedOutAgain(TestDatabase db) throws Exception {
        try (Connections connections = connectionsTo(db)) {
            long first;
            try (Connection session = connections.borrow()) {
                first = connectionId(session);
            }
            Connection again = connections.borrow();
            assertThat(connectionId(again)).as("the idle session is handed out again").isEqualTo(first);

            db.server().executeAsRoot("KILL " + first);
            assertThatThrownBy(() -> connectionId(again)).isInstanceOf(SQLException.class);
            connections.discard(again);

            try (Connection next = connections.borrow()) {
                // Borrowed at once: the pool's own liveness check is skipped for recently used sessions.
                assertThat(connectionId(next)).as("a new session, not the killed one").isNotEqualTo(first);
            }
        }
    }

    @EveryFlavor
    void aReconnectingSessionSurvivesItsPooledSessionBeingKilled(TestDatabase db) throws Exception {
        try (Connections connections = connectionsTo(db);
             ReconnectingSession session = new ReconnectingSession("test", connections, Duration.ofSeconds(30))) {
            List<Long> sessionsUsed = new java.util.ArrayList<>();
            long finishedOn = session.run(connection -> {
                long id = connectionId(connection);
                sessionsUsed.add(id);
                if (sessionsUsed.size() == 1) {
                    db.server().executeAsRoot("KILL " + id); // as a DBA kills it in the middle of a unit
                }
                return connectionId(connection);
            });

            assertThat(sessionsUsed).hasSize(2).doesNotHaveDuplicates();
            assertThat(finishedOn).isEqualTo(sessionsUsed.get(1));
            assertThat(session.reconnects()).isEqualTo(1);
        }
    }

    @EveryFlavor
    void onceAWritableServerIsRequiredNoNewSessionWritesToAServerThatTurnedReadOnly(TestDatabase flavor) throws Exception {
        try (DatabaseServer server = SharedServers.startPrivate(flavor.flavor(), flavor.server().options());
             TestDatabase db = TestDatabase.on(server);
             Connections connections = connectionsTo(db);
             ReconnectingSession session = new ReconnectingSession("test", connections, Duration.ofSeconds(30))) {
            connections.requireWritableServer(true);
            long first = session.run(ConnectionsTest::connectionId);
            // As a failover leaves the old primary. The test account has SUPER, which read_only does
            // not stop: only Umbra's own check keeps it from writing there.
            server.executeAsRoot("SET GLOBAL read_only = ON");
            server.executeAsRoot("KILL " + first);
            // Past the pool's half-second liveness bypass: the pool itself finds the idle session
            // dead and opens a new one, a loss no unit of work ever sees.
            Thread.sleep(600);
            List<Long> unitsRun = new java.util.ArrayList<>();

            assertThatThrownBy(() -> session.run(connection -> {
                unitsRun.add(connectionId(connection));
                return null;
            })).isInstanceOf(ServerReadOnlyException.class)
                    .hasMessageContaining("the server " + db.host() + ":" + db.port() + " is read-only: is it still the primary?");
            assertThat(unitsRun).as("no unit ran on the read-only server").isEmpty();
            assertThatThrownBy(connections::open).as("a dedicated session").isInstanceOf(ServerReadOnlyException.class);

            connections.requireWritableServer(false);
            try (Connection cleanUp = connections.open()) {
                assertThat(connectionId(cleanUp)).as("clean-up may still connect").isPositive();
            }
        }
    }

    @EveryFlavor
    void pooledSessionsEndOnTheServerSoonAfterTheirClientStopsTalking(TestDatabase db) throws Exception {
        try (Connections connections = connectionsTo(db);
             Connection session = connections.borrow();
             Statement statement = session.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@SESSION.wait_timeout")) {
            row.next();
            // A lost session (a node gone, a KILL that did not wake it) would otherwise keep its
            // transaction's row locks for the server's default eight hours.
            assertThat(row.getLong(1)).isEqualTo(Connections.IDLE_SESSION_LIMIT.toSeconds());
        }
    }

    @EveryFlavor
    void closingEndsEveryPooledSessionAndRefusesNewOnes(TestDatabase db) throws Exception {
        Connections connections = connectionsTo(db);
        long borrowedId;
        long idleId;
        Connection borrowed = connections.borrow();
        try (Connection idle = connections.borrow()) {
            idleId = connectionId(idle);
        }
        borrowedId = connectionId(borrowed);

        connections.close();

        assertThat(awaitGone(db, List.of(borrowedId, idleId), Duration.ofSeconds(10)))
                .as("the server still shows pooled sessions %s and %s", borrowedId, idleId).isTrue();
        assertThatThrownBy(connections::borrow).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void aServerThatCannotBeReachedFailsTheBorrowWithTheDriversReason() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Connections connections = new Connections(new ConnectionSettings("127.0.0.1", closedPort, "nobody", "x"), "s")) {
            assertThatThrownBy(connections::borrow)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(TransientErrors.isConnectionLoss((SQLException) e))
                            .as("classified as a lost connection, so a reconnecting session retries: %s", e).isTrue())
                    .hasMessageContaining("Communications link failure");
        }
    }

    private static Connections connectionsTo(TestDatabase db) {
        return new Connections(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()), db.schema());
    }

    private static List<String> sessionSetUp(Connection session) throws SQLException {
        String isolation = "@@session.transaction_isolation";
        try (Statement statement = session.createStatement();
             ResultSet version = statement.executeQuery("SELECT @@version")) {
            version.next();
            if (version.getString(1).startsWith("5.7")) {
                isolation = "@@session.tx_isolation";
            }
        }
        try (Statement statement = session.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@session.time_zone, @@session.sql_mode, " + isolation
                     + ", @@session.character_set_client, DATABASE()")) {
            row.next();
            return List.of(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5));
        }
    }

    private static long connectionId(Connection session) throws SQLException {
        try (Statement statement = session.createStatement(); ResultSet row = statement.executeQuery("SELECT CONNECTION_ID()")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static boolean awaitGone(TestDatabase db, List<Long> ids, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = db.connect(); Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID IN ("
                         + ids.get(0) + ", " + ids.get(1) + ")")) {
                row.next();
                if (row.getLong(1) == 0) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }
}
