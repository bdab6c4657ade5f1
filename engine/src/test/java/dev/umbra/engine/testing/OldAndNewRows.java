package dev.umbra.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.sql.Sql;
import dev.umbra.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compares a migrated table with the old table that the cut-over kept ({@code _t_del}), row by
 * row: every row is rendered as text from the {@link ComparedColumn} expressions, and both sides
 * must hold exactly the same rows. A failure names the rows only one side has (values longer than
 * {@value #LONGEST_SHOWN} characters shown by their start, length and digest).
 */
public final class OldAndNewRows {

    private static final int LONGEST_SHOWN = 120;

    private OldAndNewRows() {
    }

    /** Asserts that {@code migrated} and {@code old} hold the same rows over these columns. */
    public static void assertSame(TestDatabase db, String migrated, String old, List<ComparedColumn> columns)
            throws SQLException {
        List<String> oldRows = rows(db, old, columns, ComparedColumn::old);
        List<String> newRows = rows(db, migrated, columns, ComparedColumn::migrated);
        assertThat(oldRows).as("rows of the old table `%s` on %s", old, db.flavor()).isNotEmpty();
        assertThat(newRows).as("rows of `%s` (migrated) against `%s` (old) on %s", migrated, old, db.flavor())
                .containsExactlyInAnyOrderElementsOf(oldRows);
    }

    /**
     * Every column that both tables have under the same name, except {@code except}, each rendered
     * as the migrated table's type needs.
     */
    public static List<ComparedColumn> sharedColumns(TestDatabase db, String migrated, String old, String... except)
            throws SQLException {
        Set<String> excluded = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        excluded.addAll(List.of(except));
        Set<String> oldColumns = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        columnTypes(db, old).forEach(column -> oldColumns.add(column[0]));
        List<ComparedColumn> shared = new ArrayList<>();
        for (String[] column : columnTypes(db, migrated)) {
            if (oldColumns.contains(column[0]) && !excluded.contains(column[0])) {
                shared.add(ComparedColumn.of(column[0], column[1]));
            }
        }
        return shared;
    }

    /** Column names of a table in their order. */
    public static List<String> columnNames(TestDatabase db, String table) throws SQLException {
        return columnTypes(db, table).stream().map(column -> column[0]).toList();
    }

    /** The rows as text, one string per row: {@code label='value', ...}, NULL unquoted. */
    private static List<String> rows(TestDatabase db, String table, List<ComparedColumn> columns,
                                     Function<ComparedColumn, String> side) throws SQLException {
        List<String> expressions = columns.stream().map(side).toList();
        List<String> names = columns.stream().map(ComparedColumn::label).toList();
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00'"); // TIMESTAMPs as stored (UTC)
            try (ResultSet row = statement.executeQuery("SELECT " + String.join(", ", expressions) + " FROM "
                    + Sql.quote(table))) {
                while (row.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < expressions.size(); i++) {
                        String value = row.getString(i + 1);
                        values.add(names.get(i) + "=" + (value == null ? "NULL" : "'" + abbreviated(value) + "'"));
                    }
                    rows.add(String.join(", ", values));
                }
            }
        }
        return rows;
    }

    /** A long value as its start, its length and a digest: exact enough to compare, short enough to read. */
    private static String abbreviated(String value) {
        if (value.length() <= LONGEST_SHOWN) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return value.substring(0, LONGEST_SHOWN / 2) + "...(" + value.length() + " chars, sha-256 "
                    + HexFormat.of().formatHex(digest, 0, 8) + ")";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String[]> columnTypes(TestDatabase db, String table) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (Connection connection = db.connect(); PreparedStatement statement = connection.prepareStatement(
                "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " ORDER BY ORDINAL_POSITION")) {
            statement.setString(1, db.schema());
            statement.setString(2, table);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    columns.add(new String[] {row.getString(1), row.getString(2).toLowerCase(Locale.ROOT)});
                }
            }
        }
        return columns;
    }
}
