package dev.umbra.engine.binlog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A place in the binary log: file name and the byte offset of the next event. */
public record BinlogPosition(String file, long position) implements Comparable<BinlogPosition> {

    /** The server's current write position ({@code SHOW MASTER STATUS} or its 8.4 name). */
    public static BinlogPosition current(Connection connection, String statusStatement) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(statusStatement)) {
            if (!row.next()) {
                throw new SQLException("The binary log is off: " + statusStatement + " returned nothing");
            }
            return new BinlogPosition(row.getString(1), row.getLong(2));
        }
    }

    @Override
    public int compareTo(BinlogPosition other) {
        int byFile = file.compareTo(other.file);
        return byFile != 0 ? byFile : Long.compare(position, other.position);
    }

    @Override
    public String toString() {
        return file + ":" + position;
    }
}
