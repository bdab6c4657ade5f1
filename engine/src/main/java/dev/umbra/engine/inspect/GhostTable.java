package dev.umbra.engine.inspect;

import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates the ghost table: a copy of the original's definition with the ALTER applied. */
final class GhostTable {

    private final String schema;
    private final String original;
    private final String ghost;

    GhostTable(String schema, String original, String ghost) {
        this.schema = schema;
        this.original = original;
        this.ghost = ghost;
    }

    TableSchema create(Connection connection, ParsedAlter alter) throws SQLException, MigrationRefusedException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + Sql.qualified(schema, ghost) + " LIKE " + Sql.qualified(schema, original));
            try {
                // The validated clause list is the one piece of user text that reaches SQL.
                statement.execute("ALTER TABLE " + Sql.qualified(schema, ghost) + " " + alter.clauseList());
            } catch (SQLException rejected) {
                drop(connection);
                throw new MigrationRefusedException("The server rejected the ALTER: " + rejected.getMessage()
                        + " (tried on an empty copy of the table; nothing was changed).", rejected);
            }
        }
        return TableSchema.read(connection, new TableName(schema, ghost))
                .orElseThrow(() -> new SQLException("The ghost table `" + ghost + "` vanished right after it was created"));
    }

    void drop(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, ghost));
        }
    }
}
