package dev.umbra.benchmark;

import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether a migrated table holds exactly the rows of its control table. Both tables are read in
 * primary-key order as streams, side by side, and merged: two sequential scans, whatever the
 * buffer pool holds, and no memory in the benchmark's JVM, whose heap is being measured. (Joins on
 * the key took many minutes per case at a million rows: random reads of tables larger than the
 * buffer pool.) The added column must exist and hold its default on every row.
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
    private static final String SHARED_COLUMNS = "id, a, b, c, d";
    private static final int COMPARED_COLUMNS = 4;

    /** Opens a session on the benchmark's schema. */
    @FunctionalInterface
    interface Sessions {
        Connection open() throws SQLException;
    }

    /**
     * The verdict for {@code table} against {@code mirror}; {@code addedColumn} must equal {@code addedDefault}
     * (null: the column is not expected, as after a migration that was aborted).
     */
    static MirrorVerdict compare(Sessions sessions, String table, String mirror, String addedColumn,
                                 String addedDefault) throws SQLException {
        List<Long> samples = new ArrayList<>();
        long rows = 0;
        long mirrorRows = 0;
        long differing = 0;
        long missing = 0;
        long extra = 0;
        try (Connection left = sessions.open(); Connection right = sessions.open();
             Statement leftStatement = streaming(left); Statement rightStatement = streaming(right);
             ResultSet migrated = leftStatement.executeQuery(orderedRows(table));
             ResultSet control = rightStatement.executeQuery(orderedRows(mirror))) {
            boolean hasMigrated = migrated.next();
            boolean hasControl = control.next();
            while (hasMigrated || hasControl) {
                long migratedId = hasMigrated ? migrated.getLong(1) : Long.MAX_VALUE;
                long controlId = hasControl ? control.getLong(1) : Long.MAX_VALUE;
                if (hasMigrated && (!hasControl || migratedId < controlId)) {
                    extra++;
                    sample(samples, migratedId);
                    rows++;
                    hasMigrated = migrated.next();
                } else if (hasControl && (!hasMigrated || controlId < migratedId)) {
                    missing++;
                    sample(samples, controlId);
                    mirrorRows++;
                    hasControl = control.next();
                } else {
                    if (!sameSharedColumns(migrated, control)) {
                        differing++;
                        sample(samples, migratedId);
                    }
                    rows++;
                    mirrorRows++;
                    hasMigrated = migrated.next();
                    hasControl = control.next();
                }
            }
        }
        long wrongAdded = addedColumn == null ? 0 : -1;
        try (Connection connection = sessions.open()) {
            if (addedColumn != null && hasColumn(connection, table, addedColumn)) {
                wrongAdded = countAndSample(connection, " FROM " + Sql.quote(table) + " x WHERE NOT (x."
                        + Sql.quote(addedColumn) + " <=> " + addedDefault + ")", "x.id", samples);
            }
        }
        return new MirrorVerdict(rows, mirrorRows, differing, missing, extra, wrongAdded, List.copyOf(samples));
    }

    private static String orderedRows(String table) {
        return "SELECT " + SHARED_COLUMNS + " FROM " + Sql.quote(table) + " ORDER BY id";
    }

    /** A statement whose result rows arrive one by one instead of all at once (Connector/J streaming). */
    private static Statement streaming(Connection connection) throws SQLException {
        Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        statement.setFetchSize(Integer.MIN_VALUE);
        return statement;
    }

    private static boolean sameSharedColumns(ResultSet migrated, ResultSet control) throws SQLException {
        for (int column = 2; column <= 1 + COMPARED_COLUMNS; column++) {
            if (!Objects.equals(migrated.getString(column), control.getString(column))) {
                return false;
            }
        }
        return true;
    }

    private static void sample(List<Long> samples, long id) {
        if (samples.size() < SAMPLES * 4) {
            samples.add(id);
        }
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
