package dev.umbra.engine.testing;

import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Load on a server, as {@code Threads_running} counts it: sessions that each run {@code SELECT
 * SLEEP(...)} until closed (then their statements are killed).
 */
public final class SleepingSessions implements AutoCloseable {

    private final TestDatabase db;
    private final List<Long> ids = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    private SleepingSessions(TestDatabase db) {
        this.db = db;
    }

    /** Starts {@code count} sleeping statements and returns once the server runs all of them. */
    public static SleepingSessions start(TestDatabase db, int count) throws SQLException, InterruptedException {
        SleepingSessions sessions = new SleepingSessions(db);
        try {
            for (int i = 0; i < count; i++) {
                Connection connection = db.connect();
                sessions.connections.add(connection);
                try (Statement statement = connection.createStatement(); ResultSet id = statement.executeQuery("SELECT CONNECTION_ID()")) {
                    id.next();
                    sessions.ids.add(id.getLong(1));
                }
                Thread thread = new Thread(() -> {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SELECT SLEEP(120)");
                    } catch (SQLException killed) {
                        // ended by close()
                    }
                }, "sleeping-session-" + i);
                thread.setDaemon(true);
                thread.start();
                sessions.threads.add(thread);
            }
            sessions.awaitSleeping(count);
            return sessions;
        } catch (SQLException | InterruptedException | RuntimeException e) {
            sessions.close();
            throw e;
        }
    }

    private void awaitSleeping(int count) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
                 ResultSet row = statement.executeQuery(
                         "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(120)%'")) {
                row.next();
                if (row.getInt(1) >= count) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError(count + " sleeping sessions did not all start");
    }

    @Override
    public void close() {
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement()) {
            for (long id : ids) {
                try {
                    statement.execute("KILL QUERY " + id);
                } catch (SQLException gone) {
                    // already ended
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone either way
            }
        }
    }
}
