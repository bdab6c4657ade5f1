package dev.umbra.benchmark;

import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a migrated table holds exactly the rows of its control table: compared in the server
 * (joins on the primary key), so that a million rows need no memory in the benchmark's JVM, whose
 * heap is being measured. The added column must exist and hold its default on every row.
 *
 * @param rows        rows in the migrated table
 * @param mirrorRows  rows in the control table
 * @param differing   rows in both whose shared columns differ
 * @param missing     rows of the control table that the migrated table lacks
 * @param extra       rows of the migrated table that the control table lacks
 * @param wrongAdded  rows whose added column does not hold its default (-1: the column is missing)
 * @param sampleIds   some of the ids concerned
 */
record MirrorVerdict(long rows, long mirrorRows, long differing, long missing, long extra, long wrongAdded,
                     List<Long> sampleIds) {

    private static final int SAMPLES = 5;

    /** The verdict for {@code table} against {@code mirror}; {@code addedColumn} must equal {@code addedDefault}. */
    static MirrorVerdict compare(Connection connection, String table, String mirror, String addedColumn,
                                 String addedDefault) throws SQLException {
        String t = Sql.quote(table);
        String m = Sql.quote(mirror);
        String sameColumns = "x.a <=> y.a AND x.b <=> y.b AND x.c <=> y.c AND x.d <=> y.d";
        List<Long> samples = new ArrayList<>();
        long rows = count(connection, "SELECT COUNT(*) FROM " + t);
        long mirrorRows = count(connection, "SELECT COUNT(*) FROM " + m);
        String differingFrom = " FROM " + t + " x JOIN " + m + " y ON y.id = x.id WHERE NOT (" + sameColumns + ")";
        String missingFrom = " FROM " + m + " y LEFT JOIN " + t + " x ON x.id = y.id WHERE x.id IS NULL";
        String extraFrom = " FROM " + t + " x LEFT JOIN " + m + " y ON y.id = x.id WHERE y.id IS NULL";
        long differing = countAndSample(connection, differingFrom, "x.id", samples);
        long missing = countAndSample(connection, missingFrom, "y.id", samples);
        long extra = countAndSample(connection, extraFrom, "x.id", samples);
        long wrongAdded;
        if (hasColumn(connection, table, addedColumn)) {
            wrongAdded = countAndSample(connection, " FROM " + t + " x WHERE NOT (x." + Sql.quote(addedColumn) + " <=> "
                    + addedDefault + ")", "x.id", samples);
        } else {
            wrongAdded = -1;
        }
        return new MirrorVerdict(rows, mirrorRows, differing, missing, extra, wrongAdded, List.copyOf(samples));
    }

    boolean correct() {
        return rows == mirrorRows && differing == 0 && missing == 0 && extra == 0 && wrongAdded == 0;
    }

    /** "OK" or what is wrong, with some ids. */
    String describe() {
        if (correct()) {
            return "OK (" + rows + " rows equal the mirror)";
        }
        List<String> problems = new ArrayList<>();
        if (differing > 0) {
            problems.add(differing + " differ");
        }
        if (missing > 0) {
            problems.add(missing + " missing");
        }
        if (extra > 0) {
            problems.add(extra + " extra");
        }
        if (wrongAdded > 0) {
            problems.add(wrongAdded + " without the added column's default");
        }
        if (wrongAdded < 0) {
            problems.add("the added column is missing");
        }
        if (rows != mirrorRows) {
            problems.add(rows + " rows vs " + mirrorRows + " in the mirror");
        }
        return "MISMATCH: " + String.join(", ", problems) + (sampleIds.isEmpty() ? "" : "; ids " + sampleIds);
    }

    private static long countAndSample(Connection connection, String from, String id, List<Long> samples)
            throws SQLException {
        long count = count(connection, "SELECT COUNT(*)" + from);
        if (count > 0) {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT " + id + from + " ORDER BY " + id + " LIMIT " + SAMPLES)) {
                while (row.next()) {
                    samples.add(row.getLong(1));
                }
            }
        }
        return count;
    }

    private static boolean hasColumn(Connection connection, String table, String column) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT COUNT(*) FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            statement.setString(1, table);
            statement.setString(2, column);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1) > 0;
            }
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
