package dev.umbra.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Attaches a replica to a primary, in each flavor's dialect. */
final class Replication {

    private Replication() {
    }

    static List<String> changeSourceStatements(DatabaseServer primary, DatabaseServer replica) {
        StringBuilder change = new StringBuilder("CHANGE MASTER TO MASTER_HOST='" + primary.host()
                + "', MASTER_PORT=" + primary.port()
                + ", MASTER_USER='" + DatabaseServer.REPLICATION_USER
                + "', MASTER_PASSWORD='" + DatabaseServer.REPLICATION_PASSWORD + "'");
        Flavor flavor = primary.flavor();
        if (flavor.isMariaDb()) {
            // The test servers run with --skip-ssl, and an 11.4 replica requires TLS unless told not to.
            change.append(", MASTER_USE_GTID=slave_pos, MASTER_SSL=0");
        } else if (primary.options().gtid()) {
            change.append(", MASTER_AUTO_POSITION=1");
        } else {
            // From the first event ever logged, so the replica gets every schema the tests made.
            change.append(", MASTER_LOG_FILE='").append(firstBinaryLog(primary)).append("', MASTER_LOG_POS=4");
        }
        if (flavor == Flavor.MYSQL_8_0) {
            // caching_sha2_password without TLS: the replica must fetch the server's RSA key.
            change.append(", GET_MASTER_PUBLIC_KEY=1");
        }
        List<String> statements = new ArrayList<>();
        statements.add(change.toString());
        statements.add("START SLAVE");
        return statements;
    }

    static void awaitRunning(DatabaseServer replica, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "no replica status";
        while (System.nanoTime() < deadline) {
            try (Connection connection = replica.connectAsRoot(); Statement statement = connection.createStatement();
                 ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
                if (status.next()) {
                    String io = status.getString("Slave_IO_Running");
                    String sql = status.getString("Slave_SQL_Running");
                    if ("Yes".equals(io) && "Yes".equals(sql)) {
                        return;
                    }
                    state = "IO thread " + io + " (" + status.getString("Last_IO_Error") + "), SQL thread " + sql
                            + " (" + status.getString("Last_SQL_Error") + ")";
                }
            } catch (SQLException e) {
                state = e.getMessage();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ServerStartException("Replica " + replica + " did not start replicating within "
                + timeout.toSeconds() + " s: " + state);
    }

    private static String firstBinaryLog(DatabaseServer primary) {
        try (Connection connection = primary.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet logs = statement.executeQuery("SHOW BINARY LOGS")) {
            if (!logs.next()) {
                throw new ServerStartException(primary + " has no binary log to replicate from");
            }
            return logs.getString(1);
        } catch (SQLException e) {
            throw new ServerStartException("Could not read the binary logs of " + primary + ": " + e.getMessage(), e);
        }
    }
}
