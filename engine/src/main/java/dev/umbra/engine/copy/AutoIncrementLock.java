package dev.umbra.engine.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether each copy chunk holds the ghost table's AUTO-INC lock for its whole statement.
 *
 * <p>With {@code innodb_autoinc_lock_mode} 0 or 1 (MariaDB's default and MySQL 5.7's; MySQL 8.0's
 * is 2), an {@code INSERT ... SELECT} into a table with an AUTO_INCREMENT column takes a
 * table-level AUTO-INC lock until the statement ends. The binlog applier's inserts wait for it, so
 * they get through only between two chunks: chunks must not follow each other back to back there.
 */
public final class AutoIncrementLock {

    private AutoIncrementLock() {
    }

    public static boolean heldByEachChunk(Connection connection, String schema, String ghost) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT @@innodb_autoinc_lock_mode, (SELECT COUNT(*)"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                + " AND EXTRA LIKE '%auto_increment%')")) {
            statement.setString(1, schema);
            statement.setString(2, ghost);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getInt(1) != 2 && row.getInt(2) > 0;
            }
        }
    }
}
