package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.sql.ServerInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary log must carry full row images, and the server must be the writer: a read-only
 * server is a replica (or a demoted primary), and migrating there would change nothing users see.
 */
final class ServerSettingsCheck {

    private ServerSettingsCheck() {
    }

    static void check(Connection connection, ServerInfo server) throws SQLException, MigrationRefusedException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image, @@global.read_only")) {
            row.next();
            List<String> problems = new ArrayList<>();
            if (row.getInt(1) != 1) {
                problems.add("the binary log is off (start the server with --log-bin)");
            }
            if (!"ROW".equalsIgnoreCase(row.getString(2))) {
                problems.add("binlog_format is " + row.getString(2) + ", not ROW (SET GLOBAL binlog_format = 'ROW'"
                        + " and reconnect the writers, or set it in the server configuration)");
            }
            if (!"FULL".equalsIgnoreCase(row.getString(3))) {
                problems.add("binlog_row_image is " + row.getString(3) + ", not FULL (SET GLOBAL binlog_row_image = 'FULL')");
            }
            if (row.getInt(4) != 0) {
                problems.add("the server is read-only, so it is a replica or a demoted primary; point Umbra at the writer");
            }
            if (!problems.isEmpty()) {
                throw new MigrationRefusedException("Umbra cannot migrate on " + server + ": " + String.join("; ", problems) + ".");
            }
        }
    }
}
