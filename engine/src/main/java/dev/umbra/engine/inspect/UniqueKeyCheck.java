package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.logging.Diagnostics;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import dev.umbra.engine.unique.ConflictClause;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A unique key of the new table that the current rows may violate is checked for duplicates before
 * anything is copied (gh-ost's failure mode 2: copying with {@code INSERT IGNORE} drops duplicate
 * rows silently). Such a key is one the ALTER adds (a UNIQUE key, a new primary key), or an
 * existing one whose columns the ALTER changes (another collation, a shorter prefix): any unique
 * key of the new table that no unique key of the old table, over the same unchanged columns,
 * already guarantees.
 *
 * <p>The check groups the table's rows by the key's columns as the new table compares them (in the
 * new collation, cut to the key's prefix length) and refuses with the number of duplicate values
 * and rows and a few of the values. Changes it cannot reproduce in a GROUP BY (a narrower numeric or
 * temporal type that rounds two values into one, a key over a generated or added column) are left
 * to the copy and the applier, which fail on the first collision instead of dropping a row.
 */
final class UniqueKeyCheck {

    private static final int SAMPLES = 5;
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]+");

    private UniqueKeyCheck() {
    }

    /** A key part: a column with its prefix length, or an expression (column null). */
    private record Part(String column, Integer prefix) {
    }

    static void check(Connection connection, TableName table, String ghost, ColumnMapping mapping,
                      Diagnostics diagnostics) throws SQLException, MigrationRefusedException {
        Map<String, List<Part>> originalKeys = uniqueKeys(connection, table);
        Map<String, List<Part>> ghostKeys = uniqueKeys(connection, table.sibling(ghost));
        Map<String, String> originalCollations = collations(connection, table);
        Map<String, String> ghostCollations = collations(connection, table.sibling(ghost));
        for (Map.Entry<String, List<Part>> key : ghostKeys.entrySet()) {
            if (!coversMigrationKey(key.getValue(), mapping) && ConflictClause.sentinelOf(mapping).isEmpty()) {
                throw new MigrationRefusedException("The new table has no NOT NULL column that Umbra copies, so it could"
                        + " not tell a row that collides on the unique key `" + key.getKey() + "` from the same row."
                        + " Keep at least one NOT NULL column.");
            }
            boolean guaranteed = originalKeys.values().stream().anyMatch(existing ->
                    guarantees(existing, key.getValue(), mapping, originalCollations, ghostCollations));
            if (!guaranteed) {
                checkDuplicates(connection, table, key.getKey(), key.getValue(), mapping, ghostCollations, diagnostics);
            }
        }
    }

    /** Whether a key of the old table makes every row unique in the new key as well. */
    private static boolean guarantees(List<Part> existing, List<Part> added, ColumnMapping mapping,
                                      Map<String, String> originalCollations, Map<String, String> ghostCollations) {
        for (Part part : existing) {
            Optional<MappedColumn> column = part.column() == null ? Optional.empty() : mapping.columns().stream()
                    .filter(mapped -> mapped.original().nameEquals(part.column())).findFirst();
            if (column.isEmpty() || !unchanged(column.get(), originalCollations, ghostCollations)) {
                return false;
            }
            Optional<Part> same = added.stream()
                    .filter(other -> other.column() != null && other.column().equalsIgnoreCase(column.get().ghostName()))
                    .findFirst();
            if (same.isEmpty() || !(same.get().prefix() == null
                    || (part.prefix() != null && same.get().prefix() >= part.prefix()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean unchanged(MappedColumn column, Map<String, String> originalCollations,
                                     Map<String, String> ghostCollations) {
        return column.original().columnType().equalsIgnoreCase(column.ghost().columnType())
                && String.valueOf(originalCollations.get(lower(column.original().name())))
                        .equals(String.valueOf(ghostCollations.get(lower(column.ghostName()))));
    }

    private static boolean coversMigrationKey(List<Part> parts, ColumnMapping mapping) {
        return mapping.ghostKeyNames().stream().allMatch(name -> parts.stream()
                .anyMatch(part -> part.column() != null && part.column().equalsIgnoreCase(name) && part.prefix() == null));
    }

    private static void checkDuplicates(Connection connection, TableName table, String keyName,
                                        List<Part> parts, ColumnMapping mapping, Map<String, String> ghostCollations,
                                        Diagnostics diagnostics) throws SQLException, MigrationRefusedException {
        List<String> expressions = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Part part : parts) {
            Optional<MappedColumn> column = part.column() == null ? Optional.empty() : mapping.columns().stream()
                    .filter(mapped -> mapped.ghostName().equalsIgnoreCase(part.column())).findFirst();
            if (column.isEmpty()) {
                return; // an expression, a generated or an added column: the copy finds collisions
            }
            expressions.add(asTheNewTableCompares(column.get(), part.prefix(), ghostCollations));
            labels.add(column.get().ghostName());
        }
        String notNull = String.join(" AND ", expressions.stream().map(e -> e + " IS NOT NULL").toList());
        String sql = "SELECT " + String.join(", ", expressions) + ", COUNT(*) FROM " + Sql.qualified(table)
                + " WHERE " + notNull + " GROUP BY " + String.join(", ", expressions) + " HAVING COUNT(*) > 1";
        long values = 0;
        long rows = 0;
        List<String> samples = new ArrayList<>();
        try (Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(Integer.MIN_VALUE); // streamed: there may be many
            try (ResultSet row = statement.executeQuery(sql)) {
                while (row.next()) {
                    long count = row.getLong(expressions.size() + 1);
                    values++;
                    rows += count;
                    if (samples.size() < SAMPLES) {
                        samples.add(sample(row, labels, count));
                    }
                }
            }
        }
        if (values > 0) {
            String key = keyName.equals("PRIMARY") ? "PRIMARY KEY" : "UNIQUE key " + keyName;
            // The values are data: they go to the log only, on request; the message says how to list them.
            diagnostics.log("duplicates for the new " + key + " of `" + table.name() + "`", () -> String.join(", ", samples));
            throw new MigrationRefusedException("The new table's " + key + " on (" + String.join(", ", labels)
                    + ") would reject rows `" + table.name() + "` holds now: " + values + " value" + (values == 1 ? "" : "s")
                    + " occur" + (values == 1 ? "s" : "") + " in more than one row (" + rows + " rows; copying would drop "
                    + (rows - values) + "). List them with: SELECT " + String.join(", ", expressions) + ", COUNT(*) FROM "
                    + Sql.qualified(table) + " GROUP BY " + String.join(", ", expressions) + " HAVING COUNT(*) > 1 ("
                    + diagnostics.hint("sample values") + "). Remove the duplicates or change the ALTER, then run the"
                    + " migration again; nothing was changed.");
        }
    }

    /** The original column as the new key compares it: in the new collation, cut to the prefix. */
    private static String asTheNewTableCompares(MappedColumn column, Integer prefix, Map<String, String> ghostCollations) {
        String expression = Sql.quote(column.original().name());
        String collation = ghostCollations.get(lower(column.ghostName()));
        // Names the server reported; checked anyway, as they are spliced in unquoted.
        if (collation != null && column.ghost().charset() != null && NAME.matcher(collation).matches()
                && NAME.matcher(column.ghost().charset()).matches()) {
            expression = "CONVERT(" + expression + " USING " + column.ghost().charset() + ") COLLATE " + collation;
        }
        return prefix == null ? expression : "LEFT(" + expression + ", " + prefix + ")";
    }

    private static String sample(ResultSet row, List<String> labels, long count) throws SQLException {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= labels.size(); i++) {
            Object value = row.getObject(i);
            String text = value instanceof byte[] bytes ? "0x" + HexFormat.of().formatHex(bytes) : "'" + value + "'";
            values.add(text.length() > 60 ? text.substring(0, 57) + "..." : text);
        }
        return "(" + String.join(", ", labels) + ")=(" + String.join(", ", values) + ") in " + count + " rows";
    }

    private static Map<String, List<Part>> uniqueKeys(Connection connection, TableName table) throws SQLException {
        Map<String, List<Part>> keys = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT INDEX_NAME, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS"
                        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    Object prefix = row.getObject(3);
                    keys.computeIfAbsent(row.getString(1), k -> new ArrayList<>())
                            .add(new Part(row.getString(2), prefix == null ? null : ((Number) prefix).intValue()));
                }
            }
        }
        return keys;
    }

    /** Column name (lower case) to its collation, null for non-string columns. */
    private static Map<String, String> collations(Connection connection, TableName table) throws SQLException {
        Map<String, String> collations = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    collations.put(lower(row.getString(1)), row.getString(2));
                }
            }
        }
        return collations;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
