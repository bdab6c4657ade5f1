package dev.umbra.engine.plan;

import java.util.Objects;

/**
 * One online ALTER: which table on which server, the ALTER clause list, and how to run it.
 *
 * @param alter the clause list (e.g. {@code ADD COLUMN c INT, ADD INDEX (c)}) or a full
 *              {@code ALTER TABLE <table> ...} statement for this table
 */
public record MigrationPlan(ConnectionSettings connection, String schema, String table, String alter,
                            MigrationOptions options) {

    public MigrationPlan {
        Objects.requireNonNull(connection, "connection");
        Identifier.check(schema, "The schema (database)");
        Identifier.check(table, "The table");
        requireText(alter, "alter");
        Objects.requireNonNull(options, "options");
    }

    /** The table to migrate. */
    public TableName tableName() {
        return new TableName(schema, table);
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The migration needs a " + what + ".");
        }
    }
}
