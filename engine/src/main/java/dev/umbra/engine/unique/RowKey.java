package dev.umbra.engine.unique;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The migration-key values of one row, ready to bind: each value with the SQL expression that
 * compares it with the ghost table's key column and with the original's ({@code ?}, or for a value
 * from a binlog image e.g. {@code CONVERT(? USING latin1) COLLATE latin1_bin}: in the column's own
 * collation, whatever the connection's is).
 */
public record RowKey(List<Object> values, List<String> ghostPlaceholders, List<String> originalPlaceholders) {

    public RowKey {
        values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
        ghostPlaceholders = List.copyOf(ghostPlaceholders);
        originalPlaceholders = List.copyOf(originalPlaceholders);
    }

    /**
     * Values bound with plain {@code ?} placeholders (as the copy reads them back): a parameter is
     * coercible, so it takes the collation of the column it is compared with.
     */
    public static RowKey plain(List<Object> values) {
        List<String> plain = java.util.Collections.nCopies(values.size(), "?");
        return new RowKey(values, plain, plain);
    }

    /** The values as the ghost table's key columns compare them: {@code (?, ?)} or with conversions. */
    public String ghostTuple() {
        return "(" + String.join(", ", ghostPlaceholders) + ")";
    }

    /** The values as the original table's key columns compare them. */
    public String originalTuple() {
        return "(" + String.join(", ", originalPlaceholders) + ")";
    }

    /** The values as text, for messages and for telling keys apart: {@code 5}, {@code 'a'}, {@code 0x00ff}. */
    public String text() {
        List<String> parts = new ArrayList<>();
        for (Object value : values) {
            parts.add(value == null ? "NULL" : value instanceof byte[] bytes ? "0x" + HexFormat.of().formatHex(bytes)
                    : value instanceof Number ? value.toString() : "'" + value + "'");
        }
        return String.join(", ", parts);
    }
}
