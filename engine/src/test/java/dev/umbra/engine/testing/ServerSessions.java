package dev.umbra.engine.testing;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Finds and kills the engine's sessions from the outside, as a DBA (or a proxy dropping a
 * backend) would. The processlist id comes from the driver's handshake, which is the server's own
 * id for the session whatever {@code pseudo_thread_id} (and so {@code CONNECTION_ID()}) says.
 */
public final class ServerSessions {

    private ServerSessions() {
    }

    /** The session's id in the server's processlist. */
    public static long processlistId(Connection connection) throws SQLException {
        return connection.unwrap(JdbcConnection.class).getId();
    }

    /** Kills the session with {@code KILL} as root and waits until it has left the processlist. */
    public static void kill(TestDatabase db, Connection connection) throws SQLException, InterruptedException {
        long id = processlistId(connection);
        try (Connection root = db.server().connectAsRoot()) {
            try (PreparedStatement kill = root.prepareStatement("KILL " + id)) {
                kill.execute();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (PreparedStatement present = root.prepareStatement(
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?")) {
                    present.setLong(1, id);
                    try (ResultSet row = present.executeQuery()) {
                        row.next();
                        if (row.getLong(1) == 0) {
                            return;
                        }
                    }
                }
                Thread.sleep(5);
            }
            throw new AssertionError("session " + id + " was still in the processlist 10 s after KILL");
        }
    }
}
