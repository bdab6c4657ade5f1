package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.engine.table.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Helper tables left from an earlier run are refused (they may belong to a migration still
 * running elsewhere) unless the user said to drop them.
 */
final class HelperTablesCheck {

    private HelperTablesCheck() {
    }

    static void check(Connection connection, String schema, HelperTables helpers, MigrationOptions options)
            throws SQLException, MigrationRefusedException {
        for (String stale : new String[] {helpers.ghost(), helpers.changelog(), helpers.checkpoint()}) {
            if (TableSchema.exists(connection, new TableName(schema, stale))) {
                if (!options.dropStaleGhostTable()) {
                    throw new MigrationRefusedException("Helper table `" + stale + "` already exists: another migration of"
                            + " this table may be running, or an earlier one was interrupted. If none is running, drop it"
                            + " or pass --initially-drop-ghost-table"
                            + (options.resume() ? "." : " (resuming is off: --no-resume)."));
                }
                drop(connection, new TableName(schema, stale));
            }
        }
        checkOld(connection, schema, helpers, options);
    }

    /** Only the old table's name: a resumed run keeps its ghost, changelog and checkpoint tables. */
    static void checkOld(Connection connection, String schema, HelperTables helpers, MigrationOptions options)
            throws SQLException, MigrationRefusedException {
        if (TableSchema.exists(connection, new TableName(schema, helpers.old()))) {
            if (!options.dropStaleOldTable()) {
                throw new MigrationRefusedException("`" + helpers.old() + "` already exists (the old table of an earlier"
                        + " migration?). Drop or rename it, or pass --initially-drop-old-table.");
            }
            drop(connection, new TableName(schema, helpers.old()));
        }
    }

    private static void drop(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(table));
        }
    }
}
