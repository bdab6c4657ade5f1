package dev.umbra.testkit.sample;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The migrated sample table against its mirror over the columns they share (see {@link
 * SampleTable#COLUMNS}), read with {@link TableContents}: row counts, and how many rows are in one
 * but not, identically, in the other.
 */
public record TableComparison(long tableRows, long mirrorRows, long differingRows) {

    private static final List<String> SHARED = Arrays.stream(SampleTable.COLUMNS.split(",\\s*")).toList();

    public boolean equal() {
        return tableRows == mirrorRows && differingRows == 0;
    }

    public static TableComparison of(ConnectionSource database, String table) throws SQLException {
        List<String> rows = TableContents.rows(database, table, SHARED);
        List<String> mirrored = TableContents.rows(database, SampleTable.mirrorOf(table), SHARED);
        Map<String, Integer> balance = new HashMap<>();
        rows.forEach(row -> balance.merge(row, 1, Integer::sum));
        mirrored.forEach(row -> balance.merge(row, -1, Integer::sum));
        long differing = balance.values().stream().mapToLong(Math::abs).sum();
        return new TableComparison(rows.size(), mirrored.size(), differing);
    }
}
