package dev.umbra.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TcpProxy;
import dev.umbra.testkit.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A statement whose connection goes silent without a reset is ended on both sides (the client's
 * wait fails with a connection error, the server's session and its row locks go), while a
 * statement the server is still working on (here: waiting for a row lock) is left to finish.
 */
class SilentSessionWatchTest {

    @EveryFlavor
    void aStatementWhoseConnectionWentSilentFailsAndItsRowLocksAreReleased(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE rows_locked (id INT PRIMARY KEY, v INT)", "INSERT INTO rows_locked VALUES (1, 0)");
        try (TcpProxy network = TcpProxy.to(db.host(), db.port());
             Connections connections = new Connections(new ConnectionSettings(network.host(), network.port(), db.user(),
                     db.password()), db.schema())) {
            Connection session = connections.borrow();
            session.setAutoCommit(false);
            long serverSide = connectionId(session);
            try (Statement statement = session.createStatement()) {
                statement.executeUpdate("UPDATE rows_locked SET v = 1 WHERE id = 1");
            }
            network.freezeAll();
            long frozenAt = System.nanoTime();
            CompletableFuture<Object> next = CompletableFuture.supplyAsync(() -> {
                try (Statement statement = session.createStatement()) {
                    return statement.executeUpdate("UPDATE rows_locked SET v = 2 WHERE id = 1");
                } catch (SQLException e) {
                    return e;
                }
            });

            Object outcome = next.get(60, TimeUnit.SECONDS);
            Duration waited = Duration.ofNanos(System.nanoTime() - frozenAt);
            assertThat(outcome).isInstanceOf(SQLException.class);
            assertThat(TransientErrors.isConnectionLoss((SQLException) outcome)).as("a connection error: the unit is run again").isTrue();
            assertThat(waited).isGreaterThanOrEqualTo(SilentSessionWatch.SUSPECT_AFTER).isLessThan(Duration.ofSeconds(25));
            assertThat(sessionExists(db, serverSide)).as("the server's side of the silent session was killed").isFalse();
            try (Connection other = db.server().connectAsRoot(); Statement statement = other.createStatement()) {
                statement.execute("SET SESSION innodb_lock_wait_timeout = 1");
                assertThat(statement.executeUpdate("UPDATE `" + db.schema() + "`.rows_locked SET v = 3 WHERE id = 1"))
                        .as("the silent transaction's row lock is gone, and its change with it").isEqualTo(1);
            }
            connections.discard(session);
            try (Connection fresh = connections.borrow(); Statement statement = fresh.createStatement();
                 ResultSet row = statement.executeQuery("SELECT v FROM rows_locked WHERE id = 1")) {
                row.next();
                assertThat(row.getInt(1)).isEqualTo(3);
            }
        }
    }

    @EveryFlavor
    void aSessionWaitingForARowLockIsLeftToWait(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE rows_contended (id INT PRIMARY KEY, v INT)", "INSERT INTO rows_contended VALUES (1, 0)");
        try (Connections connections = new Connections(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()), db.schema());
             Connection holder = connections.open(); Connection waiter = connections.open();
             Statement holding = holder.createStatement(); Statement waiting = waiter.createStatement()) {
            holder.setAutoCommit(false);
            holding.executeUpdate("UPDATE rows_contended SET v = 1 WHERE id = 1");
            waiting.execute("SET SESSION innodb_lock_wait_timeout = " + (SilentSessionWatch.SUSPECT_AFTER.toSeconds() + 6));
            assertThatThrownBy(() -> waiting.executeUpdate("UPDATE rows_contended SET v = 2 WHERE id = 1"))
                    .as("the server's own lock wait timeout, not the watch, ends the wait")
                    .isInstanceOf(SQLException.class).hasMessageContaining("Lock wait timeout");
            assertThat(connectionId(waiter)).isPositive();
            holder.rollback();
        }
    }

    private static long connectionId(Connection session) throws SQLException {
        try (Statement statement = session.createStatement(); ResultSet row = statement.executeQuery("SELECT CONNECTION_ID()")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static boolean sessionExists(TestDatabase db, long id) throws SQLException {
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id)) {
            row.next();
            return row.getLong(1) > 0;
        }
    }

    /**
     * A server that accepts the connection and then never answers (a hung server, or a network
     * that went silent during the greeting or the TLS handshake, where no statement runs for the
     * watch to time): the login fails within its silence limit instead of waiting for minutes and
     * holding up whatever needs the session, such as a pool's only connection-adding thread.
     */
    @Test
    void aLoginThatGetsNoAnswerFailsWithinItsSilenceLimit() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Connections connections = new Connections(new ConnectionSettings("127.0.0.1", silent.getLocalPort(), "umbra",
                     "secret"), "")) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept(); // and never a byte back
                } catch (IOException e) {
                    return null;
                }
            });
            long started = System.nanoTime();
            assertThatThrownBy(connections::open).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(TransientErrors.isConnectionLoss((SQLException) e)).isTrue());
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(waited).isGreaterThanOrEqualTo(SessionLogin.LOGIN_SILENCE_LIMIT.minusSeconds(1))
                    .isLessThan(SessionLogin.LOGIN_SILENCE_LIMIT.plusSeconds(10));
            Socket held = accepted.getNow(null);
            if (held != null) {
                held.close();
            }
        }
    }

    /** Once logged in, no read limit is left on the session: a statement may take long on purpose. */
    @EveryFlavor
    void aLoggedInSessionHasNoReadLimit(TestDatabase db) throws Exception {
        try (Connections connections = new Connections(new ConnectionSettings(db.host(), db.port(), db.user(),
                db.password()), db.schema());
             Connection dedicated = connections.open(); Connection pooled = connections.borrow()) {
            assertThat(dedicated.getNetworkTimeout()).isZero();
            assertThat(pooled.getNetworkTimeout()).isZero();
        }
    }
}
