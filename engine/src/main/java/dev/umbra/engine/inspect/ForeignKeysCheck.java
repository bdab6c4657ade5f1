package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.relation.ForeignKeys;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Prepares the new table for the original's foreign keys and proves that each can be added to it
 * as the cut-over will add it: without checking rows, as a metadata change.
 *
 * <p>{@code CREATE TABLE … LIKE} copies the index the server generated for a foreign key, with its
 * mark as generated; adding the key to the ghost later would then replace it by one named after the
 * key (index {@code owner_id} becomes {@code items_ibfk_1}). So, while the ghost is still empty, such
 * indexes are made again as plain ones, which the key then uses as they are.
 *
 * <p>The proof runs on an empty copy of the ghost, because the server compares the key's columns
 * with the parent's only when it adds one, and adding one to the ghost itself would check the rows
 * the copy and the replay write. If the new table lacks an index the key can use (the ALTER dropped
 * it), the server would build one under the cut-over's lock: refused too.
 */
final class ForeignKeysCheck {

    private ForeignKeysCheck() {
    }

    /** Makes the ghost's indexes that can serve a foreign key plain ones; only while the ghost is empty. */
    static void makeIndexesPlain(Connection connection, String schema, String ghost, List<ForeignKey> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        List<String> lines = ForeignKeys.createStatementLines(connection, new TableName(schema, ghost));
        try (Statement statement = connection.createStatement()) {
            for (Map.Entry<String, Index> index : indexes(connection, new TableName(schema, ghost)).entrySet()) {
                boolean plain = !index.getValue().unique() && index.getValue().btree();
                boolean servesAKey = plain && keys.stream().anyMatch(key -> startsWith(index.getValue().columns(), key.columns()));
                String prefix = "KEY " + Sql.quote(index.getKey()) + " (";
                String definition = lines.stream().filter(line -> line.startsWith(prefix)).findFirst().orElse(null);
                if (servesAKey && definition != null) {
                    statement.execute("ALTER TABLE " + Sql.qualified(schema, ghost) + " DROP INDEX " + Sql.quote(index.getKey()));
                    statement.execute("ALTER TABLE " + Sql.qualified(schema, ghost) + " ADD " + definition);
                }
            }
        }
    }

    static void check(Connection connection, TableName table, String ghost, List<ForeignKey> keys)
            throws SQLException, MigrationRefusedException {
        if (keys.isEmpty()) {
            return;
        }
        String scratch = "_umbra_probe_" + UUID.randomUUID().toString().replace("-", "");
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + Sql.qualified(table.schema(), scratch) + " LIKE " + Sql.qualified(table.schema(), ghost));
            try {
                for (ForeignKey key : keys) {
                    probe(connection, table, scratch, key);
                }
            } finally {
                statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(table.schema(), scratch));
            }
        }
    }

    private static void probe(Connection connection, TableName table, String scratch, ForeignKey key)
            throws SQLException, MigrationRefusedException {
        Set<String> shapesBefore = indexShapes(connection, table.sibling(scratch));
        String probeName = scratch + "_fk";
        try {
            ForeignKeys.add(connection, table.sibling(scratch), List.of(key), ignored -> probeName);
        } catch (SQLException e) {
            throw new MigrationRefusedException("Foreign key " + key.describe() + " of `" + table.name() + "` cannot be"
                    + " added to the new table, so it could not be moved there at the cut-over: " + e.getMessage()
                    + ". The ALTER must keep the key's columns, under their names, with types the parent's columns"
                    + " accept; change the ALTER, or drop the foreign key before the migration. Nothing was changed.", e);
        }
        ForeignKeys.drop(connection, table.sibling(scratch), List.of(probeName));
        if (!indexShapes(connection, table.sibling(scratch)).equals(shapesBefore)) {
            throw new MigrationRefusedException("Foreign key " + key.describe() + " of `" + table.name() + "` needs an index"
                    + " that starts with (" + String.join(", ", key.columns()) + "), and the ALTER leaves the new table"
                    + " without one: adding the key at the cut-over would build it while writers wait. Keep such an"
                    + " index in the ALTER. Nothing was changed.");
        }
    }

    private static boolean startsWith(List<String> indexColumns, List<String> keyColumns) {
        if (indexColumns.size() < keyColumns.size()) {
            return false;
        }
        for (int i = 0; i < keyColumns.size(); i++) {
            if (!indexColumns.get(i).equalsIgnoreCase(keyColumns.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** An index as information_schema.STATISTICS describes it. */
    private record Index(boolean unique, boolean btree, List<String> columns) {
    }

    private static Map<String, Index> indexes(Connection connection, TableName table) throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        Map<String, Boolean> btree = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT INDEX_NAME, NON_UNIQUE, INDEX_TYPE, COLUMN_NAME"
                + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    columns.computeIfAbsent(row.getString(1), name -> new ArrayList<>()).add(row.getString(4));
                    unique.put(row.getString(1), row.getInt(2) == 0);
                    btree.put(row.getString(1), "BTREE".equals(row.getString(3)));
                }
            }
        }
        Map<String, Index> indexes = new LinkedHashMap<>();
        columns.forEach((name, parts) -> indexes.put(name, new Index(unique.get(name), btree.get(name), List.copyOf(parts))));
        return indexes;
    }

    /** Each index as its uniqueness and columns, whatever its name. */
    private static Set<String> indexShapes(Connection connection, TableName table) throws SQLException {
        Set<String> shapes = new TreeSet<>();
        indexes(connection, table).values().forEach(index ->
                shapes.add((index.unique() ? "unique " : "") + String.join(",", index.columns())));
        return shapes;
    }
}
