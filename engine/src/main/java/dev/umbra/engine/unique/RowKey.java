package dev.umbra.engine.unique;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The migration-key values of one row, ready to bind: each value with the SQL expression that takes
 * it ({@code ?}, or e.g. {@code CONVERT(? USING latin1)} for a value from a binlog image).
 */
public record RowKey(List<Object> values, List<String> placeholders) {

    public RowKey {
        values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
        placeholders = List.copyOf(placeholders);
    }

    /** Values bound with plain {@code ?} placeholders (as the copy reads them back). */
    public static RowKey plain(List<Object> values) {
        return new RowKey(values, java.util.Collections.nCopies(values.size(), "?"));
    }

    /** {@code (?, ?)} or with the conversions a binlog value needs. */
    public String tuple() {
        return "(" + String.join(", ", placeholders) + ")";
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
