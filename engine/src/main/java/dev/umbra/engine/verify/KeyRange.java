package dev.umbra.engine.verify;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.unique.RowKey;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A range of migration-key values, {@code lower < key <= upper}; a missing bound is open. The
 * first chunk has no lower bound and the last none above, so rows of the ghost table beyond the
 * original's keys still fall into some chunk.
 */
record KeyRange(List<Object> lowerExclusive, List<Object> upperInclusive) {

    static final KeyRange WHOLE_TABLE = new KeyRange(null, null);

    /** {@code WHERE} condition over these key columns (empty string for the whole table). */
    String condition(List<String> keyColumns) {
        String key = "(" + Sql.columnList(keyColumns) + ")";
        String placeholders = Sql.placeholders(keyColumns.size());
        if (lowerExclusive != null && upperInclusive != null) {
            return " WHERE " + key + " > " + placeholders + " AND " + key + " <= " + placeholders;
        }
        if (lowerExclusive != null) {
            return " WHERE " + key + " > " + placeholders;
        }
        if (upperInclusive != null) {
            return " WHERE " + key + " <= " + placeholders;
        }
        return "";
    }

    /** Binds the bounds in the order {@link #condition} placed them; returns the next index. */
    int bind(PreparedStatement statement, int index) throws SQLException {
        return bindBound(statement, bindBound(statement, index, lowerExclusive), upperInclusive);
    }

    private static int bindBound(PreparedStatement statement, int index, List<Object> bound) throws SQLException {
        if (bound != null) {
            for (Object value : bound) {
                statement.setObject(index++, value);
            }
        }
        return index;
    }

    /** For messages: {@code key in (5, 1005]}, {@code key > 9000}, {@code the whole table}. */
    String describe() {
        if (lowerExclusive == null && upperInclusive == null) {
            return "the whole table";
        }
        if (lowerExclusive == null) {
            return "key <= (" + RowKey.plain(upperInclusive).text() + ")";
        }
        if (upperInclusive == null) {
            return "key > (" + RowKey.plain(lowerExclusive).text() + ")";
        }
        return "key in (" + RowKey.plain(lowerExclusive).text() + ") .. (" + RowKey.plain(upperInclusive).text() + "]";
    }
}
