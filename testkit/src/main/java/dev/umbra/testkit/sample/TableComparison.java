package dev.umbra.testkit.sample;

import static dev.umbra.testkit.sample.SampleTable.COLUMNS;
import static dev.umbra.testkit.sample.SampleTable.quote;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Compares the migrated table with its mirror over the columns they share: row counts, and the rows
 * present in one but not (identically) in the other.
 */
public record TableComparison(long tableRows, long mirrorRows, long differingRows) {

    public boolean equal() {
        return tableRows == mirrorRows && differingRows == 0;
    }

    public static TableComparison of(ConnectionSource database, String table) throws SQLException {
        String mirror = SampleTable.mirrorOf(table);
        try (Connection connection = database.open(); Statement statement = connection.createStatement()) {
            long tableRows = count(statement, "SELECT COUNT(*) FROM " + quote(table));
            long mirrorRows = count(statement, "SELECT COUNT(*) FROM " + quote(mirror));
            long differing = count(statement, differenceQuery(table, mirror)) + count(statement, differenceQuery(mirror, table));
            return new TableComparison(tableRows, mirrorRows, differing);
        }
    }

    /** Rows of {@code left} with no identical row (NULL-safe, over the shared columns) in {@code right}. */
    private static String differenceQuery(String left, String right) {
        StringBuilder same = new StringBuilder();
        for (String column : COLUMNS.split(",\\s*")) {
            same.append(same.length() == 0 ? "" : " AND ").append("r.").append(quote(column)).append(" <=> l.").append(quote(column));
        }
        return "SELECT COUNT(*) FROM " + quote(left) + " l WHERE NOT EXISTS (SELECT 1 FROM " + quote(right) + " r WHERE r.`id` = l.`id` AND "
                + same + ")";
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
