package dev.umbra.engine.verify;

import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Consecutive ranges of {@code rows} keys of the original, read one at a time just before each is
 * compared; the first range is open below (unless it begins after a given key) and the last open above.
 *
 * <p>One at a time, not all first: InnoDB keeps rows in the primary key's pages, so finding a
 * boundary reads the range's rows. Right before the range's sums, that read brings in the pages
 * the sums then find in memory; all boundaries first would read the whole table once more, from
 * disk when it is larger than the buffer pool.
 */
final class ChunkBoundaries {

    private final Connection snapshot;
    private final VerifyContext context;
    private final int rows;
    private List<Object> lower;
    private boolean done;
    private int handedOut;

    /** @param after where the first range begins (exclusive); null for the table's first key */
    ChunkBoundaries(Connection snapshot, VerifyContext context, int rows, List<Object> after) {
        this.snapshot = snapshot;
        this.context = context;
        this.rows = rows;
        this.lower = after;
    }

    /** The next range, or null after the one that is open above. */
    KeyRange next() throws SQLException {
        if (done) {
            return null;
        }
        KeyRange after = new KeyRange(lower, null);
        List<String> keys = context.mapping().originalKeyNames();
        String order = keys.stream().map(Sql::quote).collect(Collectors.joining(", "));
        List<Object> upper;
        try (PreparedStatement statement = snapshot.prepareStatement("SELECT " + Sql.columnList(keys) + " FROM "
                + Sql.qualified(context.schema(), context.original()) + " FORCE INDEX ("
                + Sql.quote(context.mapping().originalKey().name()) + ")" + after.condition(keys)
                + " ORDER BY " + order + " LIMIT 1 OFFSET " + (rows - 1))) {
            after.bind(statement, 1);
            try (ResultSet row = statement.executeQuery()) {
                upper = row.next() ? KeyValues.read(row, context.mapping()) : null;
            }
        }
        handedOut++;
        if (upper == null) {
            done = true;
            return after;
        }
        KeyRange range = new KeyRange(lower, upper);
        lower = upper;
        return range;
    }

    /** Ranges handed out so far. */
    int count() {
        return handedOut;
    }
}
