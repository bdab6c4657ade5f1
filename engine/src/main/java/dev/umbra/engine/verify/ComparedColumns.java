package dev.umbra.engine.verify;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.Column;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The columns the checksum compares (those the copy writes: shared by both tables, generated
 * columns excluded) and, for each, an expression on either side that yields the same text for
 * the same value.
 *
 * <p>A column the ALTER left alone is read as it is on both sides. A column whose type changed is
 * compared in the new type: the original's value is converted the way storing it in the ghost
 * column converts it ({@code DATETIME} to {@code DATETIME(3)} gains {@code .000}, {@code DECIMAL(5,1)}
 * to {@code DECIMAL(8,3)} gains digits, {@code FLOAT} to {@code DOUBLE} widens). Character values
 * are compared as utf8mb4 on both sides, so a character set or collation change compares the
 * characters, not their bytes. Where no server conversion reproduces the stored value exactly
 * (e.g. to {@code FLOAT}, {@code BIT} or a fixed {@code BINARY(n)} from another type), the column
 * is left out and named in {@link #notCompared()}.
 */
final class ComparedColumns {

    private static final Set<String> NUMBERS = Set.of("tinyint", "smallint", "mediumint", "int", "bigint", "decimal",
            "float", "double", "year");
    private static final Set<String> BINARY_STRINGS = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob",
            "longblob");
    private static final Pattern PRECISION = Pattern.compile("\\((\\d+)\\)");
    private static final Pattern DECIMAL = Pattern.compile("\\((\\d+),(\\d+)\\)");

    private final List<String> originalExpressions = new ArrayList<>();
    private final List<String> ghostExpressions = new ArrayList<>();
    private final List<String> originalNullFlags = new ArrayList<>();
    private final List<String> ghostNullFlags = new ArrayList<>();
    private final List<String> notCompared = new ArrayList<>();

    ComparedColumns(ColumnMapping mapping) {
        for (MappedColumn column : mapping.columns()) {
            String original = Sql.quote(column.original().name());
            String ghost = Sql.quote(column.ghostName());
            String converted = converted(column.original(), column.ghost(), mapping.storedAs(column, original));
            if (converted == null) {
                notCompared.add(column.ghostName() + " (" + column.original().columnType() + " -> "
                        + column.ghost().columnType() + ")");
                continue;
            }
            originalExpressions.add(converted);
            ghostExpressions.add(asText(column.ghost(), ghost));
            originalNullFlags.add("ISNULL(" + original + ")");
            ghostNullFlags.add("ISNULL(" + ghost + ")");
        }
    }

    /** The row checksum expression over the original's columns. */
    String originalRowChecksum() {
        return rowChecksum(originalExpressions, originalNullFlags);
    }

    /** The row checksum expression over the ghost's columns. */
    String ghostRowChecksum() {
        return rowChecksum(ghostExpressions, ghostNullFlags);
    }

    /** Columns left out of the comparison, each with its old and new type. */
    List<String> notCompared() {
        return List.copyOf(notCompared);
    }

    /**
     * pt-table-checksum's row hash: the values joined (CONCAT_WS skips NULLs, so a flag per column
     * tells NULL from empty), hashed with CRC32. Zero columns compare only the row count.
     */
    private static String rowChecksum(List<String> values, List<String> nullFlags) {
        if (values.isEmpty()) {
            return "0";
        }
        return "CRC32(CONCAT_WS('#', " + String.join(", ", values) + ", CONCAT(" + String.join(", ", nullFlags) + ")))";
    }

    /** The original's value as the ghost column would store it, as text; null if no exact conversion exists. */
    private static String converted(Column from, Column to, String value) {
        if (from.columnType().equalsIgnoreCase(to.columnType()) && Objects.equals(from.charset(), to.charset())) {
            return asText(to, value);
        }
        String type = to.dataType();
        if (to.charset() != null) {
            // CHAR drops trailing spaces when read back; VARCHAR and TEXT keep them.
            return "CONVERT(" + ("char".equals(type) ? "TRIM(TRAILING ' ' FROM " + value + ")" : value) + " USING utf8mb4)";
        }
        if (to.isInteger()) {
            return from.isInteger() || "year".equals(from.dataType()) ? value
                    : "CAST(" + value + " AS " + (to.unsigned() ? "UNSIGNED" : "SIGNED") + ")";
        }
        switch (type) {
            case "decimal": {
                Matcher digits = DECIMAL.matcher(to.columnType());
                return digits.find() ? "CAST(" + value + " AS DECIMAL(" + digits.group(1) + "," + digits.group(2) + "))" : null;
            }
            case "double":
                // Arithmetic in double precision: the value a DOUBLE column stores for a number or numeric text.
                return "(" + value + " + 0e0)";
            case "date":
                return "CAST(" + value + " AS DATE)";
            case "datetime":
            case "timestamp":
                return "CAST(" + value + " AS DATETIME(" + precision(to) + "))";
            case "time":
                return "CAST(" + value + " AS TIME(" + precision(to) + "))";
            case "year":
                return NUMBERS.contains(from.dataType()) ? value : null;
            case "json":
                return "CAST(" + value + " AS JSON)";
            case "varbinary":
            case "tinyblob":
            case "blob":
            case "mediumblob":
            case "longblob":
                return BINARY_STRINGS.contains(from.dataType()) ? value : "CAST(" + value + " AS BINARY)";
            default:
                return null;
        }
    }

    private static String precision(Column column) {
        Matcher digits = PRECISION.matcher(column.columnType());
        return digits.find() ? digits.group(1) : "0";
    }

    /** Character values as utf8mb4, so both sides hash the same bytes whatever their character set. */
    private static String asText(Column column, String value) {
        return column.charset() != null ? "CONVERT(" + value + " USING utf8mb4)" : value;
    }
}
