package dev.umbra.engine.relation;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads, adds and drops foreign keys. */
public final class ForeignKeys {

    private ForeignKeys() {
    }

    /**
     * The foreign keys of {@code schema.table} as a child, by name. Two lookups by schema and table
     * rather than a join: the cut-over reads them under its lock, and MariaDB and MySQL 5.7 answer a
     * join of these views by opening every table of every schema.
     */
    public static List<ForeignKey> of(Connection connection, TableName table) throws SQLException {
        Map<String, ForeignKeyRows> keys = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME"
                        + " FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    ForeignKeyRows key = keys.computeIfAbsent(row.getString(1), name -> new ForeignKeyRows());
                    key.columns.add(row.getString(2));
                    key.referencedSchema = row.getString(3);
                    key.referencedTable = row.getString(4);
                    key.referencedColumns.add(row.getString(5));
                }
            }
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS"
                        + " WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    ForeignKeyRows key = keys.get(row.getString(1));
                    if (key != null) {
                        key.updateRule = row.getString(2);
                        key.deleteRule = row.getString(3);
                    }
                }
            }
        }
        List<String> createLines = createStatementLines(connection, table);
        List<ForeignKey> foreignKeys = new ArrayList<>();
        for (Map.Entry<String, ForeignKeyRows> key : keys.entrySet()) {
            String prefix = "CONSTRAINT " + Sql.quote(key.getKey()) + " ";
            String definition = createLines.stream().filter(line -> line.startsWith(prefix + "FOREIGN KEY ")).findFirst()
                    .map(line -> line.substring(prefix.length()))
                    .orElseThrow(() -> new SQLException("SHOW CREATE TABLE `" + table.name() + "` does not show foreign key `"
                            + key.getKey() + "`"));
            foreignKeys.add(key.getValue().toForeignKey(key.getKey(), definition));
        }
        return List.copyOf(foreignKeys);
    }

    /** The lines of SHOW CREATE TABLE, trimmed, without a trailing comma. */
    public static List<String> createStatementLines(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW CREATE TABLE " + Sql.qualified(table))) {
            row.next();
            return row.getString(2).lines().map(String::trim).map(line -> line.endsWith(",") ? line.substring(0, line.length() - 1) : line)
                    .toList();
        }
    }

    /** The foreign keys of other tables (or of the table itself) that point at {@code schema.table}, for messages. */
    public static List<String> referencing(Connection connection, TableName table) throws SQLException {
        List<String> children = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT DISTINCT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE"
                        + " WHERE REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?"
                        + " ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    children.add("`" + row.getString(1) + "`.`" + row.getString(2) + "` (`" + row.getString(3) + "`)");
                }
            }
        }
        return children;
    }

    /**
     * Adds {@code keys} to {@code schema.table} in one ALTER, each under the name {@code names}
     * gives it. The rows are not checked (they are the original's, which the server already
     * checked), so the server only writes metadata; ALGORITHM=INPLACE makes it fail rather than
     * copy the table.
     */
    public static void add(Connection connection, TableName table, List<ForeignKey> keys,
                           Function<ForeignKey, String> names) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        withoutChecks(connection, "ALTER TABLE " + Sql.qualified(table) + " "
                + keys.stream().map(key -> key.addClause(names.apply(key))).collect(Collectors.joining(", "))
                + ", ALGORITHM=INPLACE");
    }

    public static void drop(Connection connection, TableName table, List<String> names) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + Sql.qualified(table) + " "
                    + names.stream().map(name -> "DROP FOREIGN KEY " + Sql.quote(name)).collect(Collectors.joining(", ")));
        }
    }

    private static void withoutChecks(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            boolean checks;
            try (ResultSet row = statement.executeQuery("SELECT @@SESSION.foreign_key_checks")) {
                row.next();
                checks = row.getBoolean(1);
            }
            statement.execute("SET SESSION foreign_key_checks = 0");
            try {
                statement.execute(sql);
            } finally {
                if (checks) {
                    statement.execute("SET SESSION foreign_key_checks = 1");
                }
            }
        }
    }

    private static final class ForeignKeyRows {
        private final List<String> columns = new ArrayList<>();
        private final List<String> referencedColumns = new ArrayList<>();
        private String referencedSchema;
        private String referencedTable;
        private String updateRule;
        private String deleteRule;

        ForeignKey toForeignKey(String name, String definition) {
            return new ForeignKey(name, List.copyOf(columns), referencedSchema, referencedTable, List.copyOf(referencedColumns),
                    updateRule, deleteRule, definition);
        }
    }
}
