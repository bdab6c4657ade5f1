package dev.umbra.engine.inspect;

import dev.umbra.engine.run.MigrationRefusedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses tables with foreign keys (either side: after a table swap, child constraints would point
 * at the old table). Triggers are moved at the cut-over instead (see {@link TriggersCheck}).
 */
final class RelationsCheck {

    private RelationsCheck() {
    }

    static void check(Connection connection, String schema, String table) throws SQLException, MigrationRefusedException {
        List<String> foreignKeys = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT DISTINCT CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME"
                        + " FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_NAME IS NOT NULL"
                        + " AND ((TABLE_SCHEMA = ? AND TABLE_NAME = ?) OR (REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?))")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            statement.setString(3, schema);
            statement.setString(4, table);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    foreignKeys.add(row.getString(1) + " (" + row.getString(2) + "." + row.getString(3) + " -> "
                            + row.getString(4) + "." + row.getString(5) + ")");
                }
            }
        }
        if (!foreignKeys.isEmpty()) {
            throw new MigrationRefusedException("`" + table + "` takes part in foreign keys: " + String.join(", ", foreignKeys)
                    + ". Umbra swaps tables at cut-over, which would leave these constraints pointing at the old"
                    + " table; drop the foreign keys first, or use a native ALTER.");
        }
    }
}
