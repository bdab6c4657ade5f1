package dev.umbra.engine.binlog;

import dev.umbra.engine.sql.ServerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A place in the binary log: file name and the byte offset of the next event, and, where the
 * server has GTIDs, the GTID set of every transaction before it (MySQL's executed set, MariaDB's
 * GTID position). With a GTID set, a stream resumes by GTID, which stays right across binary log
 * rotations and server restarts.
 *
 * @param gtidSet null when the server does not use GTIDs
 */
public record BinlogPosition(String file, long position, String gtidSet) implements Comparable<BinlogPosition> {

    /** The server's current write position, read in one statement so that file, offset and GTIDs agree. */
    public static BinlogPosition current(Connection connection, ServerInfo server) throws SQLException {
        String file;
        long position;
        String gtids = null;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(server.binaryLogStatusStatement())) {
            if (!row.next()) {
                throw new SQLException("The binary log is off: " + server.binaryLogStatusStatement() + " returned nothing");
            }
            file = row.getString(1);
            position = row.getLong(2);
            if (!server.mariaDb() && row.getMetaData().getColumnCount() >= 5) {
                gtids = row.getString(5);
            }
        }
        if (server.mariaDb()) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                statement.setString(1, file);
                statement.setLong(2, position);
                try (ResultSet row = statement.executeQuery()) {
                    gtids = row.next() ? row.getString(1) : null;
                }
            }
        }
        return new BinlogPosition(file, position, gtids == null || gtids.isBlank() ? null : gtids.replace("\n", ""));
    }

    public boolean hasGtids() {
        return gtidSet != null;
    }

    @Override
    public int compareTo(BinlogPosition other) {
        int byFile = file.compareTo(other.file);
        return byFile != 0 ? byFile : Long.compare(position, other.position);
    }

    @Override
    public String toString() {
        return file + ":" + position + (gtidSet == null ? "" : " (GTIDs " + gtidSet + ")");
    }
}
