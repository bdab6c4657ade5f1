package dev.umbra.engine.table;

import dev.umbra.engine.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/** A table's columns and unique keys, read from information_schema. */
public record TableSchema(String schema, String table, String engine, List<Column> columns, List<UniqueKey> uniqueKeys) {

    /** Reads the table, or returns empty if there is no base table of that name. */
    /** Whether a table (or view) of this name exists. */
    public static boolean exists(Connection connection, TableName name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, name.schema());
            statement.setString(2, name.name());
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    public static Optional<TableSchema> read(Connection connection, TableName name) throws SQLException {
        String schema = name.schema();
        String table = name.name();
        String engine;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                engine = row.getString(1);
            }
        }
        return Optional.of(new TableSchema(schema, table, engine, readColumns(connection, schema, table),
                readUniqueKeys(connection, schema, table)));
    }

    private static List<Column> readColumns(Connection connection, String schema, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, IS_NULLABLE, EXTRA,"
                        + " COLLATION_NAME, GENERATION_EXPRESSION"
                        + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    String extra = String.valueOf(row.getString(7)).toUpperCase(Locale.ROOT);
                    // MySQL says "VIRTUAL GENERATED" / "STORED GENERATED"; MariaDB "VIRTUAL GENERATED" / "STORED GENERATED" too,
                    // but older MariaDB said "PERSISTENT GENERATED".
                    boolean generated = extra.contains("GENERATED") && !extra.contains("DEFAULT_GENERATED");
                    columns.add(new Column(row.getString(1), row.getInt(2), row.getString(3).toLowerCase(Locale.ROOT),
                            row.getString(4), row.getString(5), row.getString(8), "YES".equals(row.getString(6)), generated,
                            generated ? row.getString(9) : ""));
                }
            }
        }
        return List.copyOf(columns);
    }

    private static List<UniqueKey> readUniqueKeys(Connection connection, String schema, String table) throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, Boolean> nullable = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT INDEX_NAME, COLUMN_NAME, NULLABLE, SUB_PART FROM information_schema.STATISTICS"
                        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0"
                        + " ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    String index = row.getString(1);
                    columns.computeIfAbsent(index, k -> new ArrayList<>()).add(row.getString(2));
                    // A prefix index (SUB_PART) does not make the full value unique: not usable as a row identity.
                    boolean weak = "YES".equals(row.getString(3)) || row.getObject(4) != null;
                    nullable.merge(index, weak, Boolean::logicalOr);
                }
            }
        }
        List<UniqueKey> keys = new ArrayList<>();
        columns.forEach((index, cols) -> keys.add(new UniqueKey(index, List.copyOf(cols), nullable.get(index))));
        return List.copyOf(keys);
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(column -> column.nameEquals(name)).findFirst();
    }

    public Optional<UniqueKey> primaryKey() {
        return uniqueKeys.stream().filter(UniqueKey::isPrimary).findFirst();
    }

    /**
     * A unique key whose leading columns are {@code columns}, in that order (the primary key first):
     * an index that reads a range of those columns in order.
     */
    public Optional<UniqueKey> uniqueKeyLedBy(List<String> columns) {
        return uniqueKeys.stream().filter(key -> key.columns().size() >= columns.size()
                        && IntStream.range(0, columns.size())
                        .allMatch(index -> key.columns().get(index).equalsIgnoreCase(columns.get(index))))
                .min(Comparator.comparing(key -> !key.isPrimary()));
    }
}
