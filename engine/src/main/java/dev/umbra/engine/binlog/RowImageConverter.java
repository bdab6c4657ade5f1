package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import dev.umbra.engine.table.Column;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the values of a binlog row image of the original table (as {@link BinlogDeserializer}
 * decodes them) into JDBC parameters, each with the SQL expression that takes it, so that
 * {@code INSERT INTO ghost (cols) VALUES (placeholders)} stores what the original row held. The
 * server converts each value to the ghost column's type, as it does for the row copy, which is
 * why every value is sent as what the original column <em>means</em> (an ENUM's label, a string's
 * characters, a number, a date's text) and not as its storage form.
 *
 * <p>The applying session must use {@code time_zone = '+00:00'} (TIMESTAMP values are UTC text)
 * and a permissive {@code sql_mode} (zero dates are written back as zero dates).
 *
 * <p>Column types are resolved once, in the constructor; an unsupported type fails there, before
 * any row is applied, rather than being written wrongly.
 *
 * <p>A value's form may also depend on the column it is written to (the ENUM error member, see
 * {@link #enumLabels}): the constructor takes those target columns where they are known.
 */
public final class RowImageConverter {

    private static final Pattern FRACTION_DIGITS = Pattern.compile("^[A-Za-z]+\\((\\d)\\)");
    private static final Pattern CHARSET_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern LENGTH = Pattern.compile("^[A-Za-z]+\\((\\d+)\\)");

    private final List<Column> columns;
    private final Conversion[] conversions;

    /** For writing into columns of the same types (no target columns known). */
    public RowImageConverter(List<Column> columns) {
        this(columns, Map.of());
    }

    /**
     * @param columns the original table's columns, in order
     * @param targets the column each value is written to, by index in {@code columns}, for columns
     *                whose values are only written (never compared in a WHERE)
     */
    public RowImageConverter(List<Column> columns, Map<Integer, Column> targets) {
        this.columns = List.copyOf(columns);
        this.conversions = new Conversion[this.columns.size()];
        for (int i = 0; i < conversions.length; i++) {
            conversions[i] = conversionFor(this.columns.get(i), targets.get(i));
        }
    }

    /** The SQL expression for the value of this column, e.g. {@code ?} or {@code CONVERT(? USING latin1)}. */
    public String placeholder(int columnIndex) {
        return conversions[columnIndex].placeholder();
    }

    /**
     * The expression for this column's value where it is compared with {@code against} (a key column
     * of the ghost or of the original table): a text value in that column's own character set and
     * collation. {@code CONVERT(? USING cs)} alone takes the character set's default collation, as
     * implicit as the column's, and MySQL 8 refuses to compare, say, a utf8mb4_general_ci key (a
     * table from 5.7) with utf8mb4_0900_ai_ci ("Illegal mix of collations").
     */
    public String comparedWith(int columnIndex, Column against) {
        Conversion conversion = conversions[columnIndex];
        String charset = against.charset();
        String collation = against.collation();
        if (conversion.textCharset() == null || charset == null || collation == null
                || !CHARSET_NAME.matcher(charset).matches() || !CHARSET_NAME.matcher(collation).matches()) {
            return conversion.placeholder();
        }
        String inCharset = charset.equalsIgnoreCase(conversion.textCharset()) ? conversion.placeholder()
                : "CONVERT(" + conversion.placeholder() + " USING " + charset + ")";
        return inCharset + " COLLATE " + collation;
    }

    /**
     * A value as SQL to write it with: its placeholders and their parameters, in order. The same as
     * {@link #placeholder} and {@link #toJdbc} for every value but a MySQL JSON document, which is
     * rebuilt value for value (see {@link JsonExpression}) where its text would not read back the same.
     */
    public Bound bind(int columnIndex, Serializable value) {
        if (value instanceof byte[] binary && binary.length > 0 && bindsEachValue(columnIndex)) {
            Optional<Bound> exact = JsonExpression.of(binary);
            if (exact.isPresent()) {
                return exact.get();
            }
        }
        return new Bound(placeholder(columnIndex), Collections.singletonList(toJdbc(columnIndex, value)));
    }

    /**
     * Whether a value of this column may need SQL of its own ({@link #bind}) rather than {@link
     * #placeholder}: a MySQL JSON column. Writers of other columns keep one placeholder for all rows.
     */
    public boolean bindsEachValue(int columnIndex) {
        return "json".equals(columns.get(columnIndex).dataType());
    }

    /** SQL for one value and the parameters of its placeholders, in order. */
    public record Bound(String sql, List<Object> parameters) {
    }

    /** A value for {@code PreparedStatement.setObject}; null stays null. */
    public Object toJdbc(int columnIndex, Serializable value) {
        if (value == null) {
            return null;
        }
        try {
            return conversions[columnIndex].convert().apply(value);
        } catch (RuntimeException e) {
            Column column = columns.get(columnIndex);
            throw new IllegalArgumentException("Cannot convert the row image value of column " + column.name()
                    + " (" + column.columnType() + "): " + e.getMessage(), e);
        }
    }

    /** @param textCharset the character set a text value's bytes are in; null for other values */
    private record Conversion(String placeholder, Function<Serializable, Object> convert, String textCharset) {

        Conversion(String placeholder, Function<Serializable, Object> convert) {
            this(placeholder, convert, null);
        }

        static Conversion plain(Function<Serializable, Object> convert) {
            return new Conversion("?", convert);
        }
    }

    private static Conversion conversionFor(Column column, Column target) {
        boolean unsigned = column.unsigned();
        int digits = fractionDigits(column);
        return switch (column.dataType()) {
            // The binlog has no signedness: it always gives the signed reading of the stored bits.
            case "tinyint" -> Conversion.plain(v -> unsigned ? ((Number) v).intValue() & 0xFF : v);
            case "smallint" -> Conversion.plain(v -> unsigned ? ((Number) v).intValue() & 0xFFFF : v);
            case "mediumint" -> Conversion.plain(v -> unsigned ? ((Number) v).intValue() & 0xFFFFFF : v);
            case "int", "integer" -> Conversion.plain(v -> unsigned ? ((Number) v).intValue() & 0xFFFFFFFFL : v);
            case "bigint" -> Conversion.plain(v -> unsigned ? unsignedLong(((Number) v).longValue()) : v);
            case "decimal", "numeric" -> Conversion.plain(v -> v);
            // Widening is exact: the server narrows it back to the same float, or keeps it in a DOUBLE ghost.
            case "float" -> Conversion.plain(v -> ((Number) v).doubleValue());
            case "double", "real" -> Conversion.plain(v -> v);
            // A number, not bytes: then a BIT ghost column and an integer one both get the value.
            case "bit" -> Conversion.plain(v -> bits((BitSet) v));
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" -> text(column);
            case "binary" -> binary(column);
            case "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> Conversion.plain(v -> v);
            case "enum" -> enumLabels(column, target);
            case "set" -> setLabels(EnumMembers.parse(column.columnType()));
            // Decoded exactly from the stored bytes (ExactTemporal), as MySQL literal text.
            case "date", "datetime", "time" -> Conversion.plain(v -> ((ExactTemporal) v).text());
            case "timestamp" -> Conversion.plain(v -> TemporalText.timestamp((Long) v, digits));
            case "year" -> Conversion.plain(v -> TemporalText.year((Integer) v));
            // The server's internal format (SRID + WKB), which a geometry column takes back as it is.
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                    "geometrycollection", "geomcollection" -> Conversion.plain(v -> v);
            // MySQL's binary JSON; on MariaDB JSON is a LONGTEXT and takes the text path above.
            case "json" -> new Conversion("CAST(? AS JSON)", v -> json((byte[]) v));
            default -> throw new IllegalArgumentException("Column " + column.name() + " has type " + column.columnType()
                    + ", which Umbra cannot apply from the binlog");
        };
    }

    private static Object unsignedLong(long value) {
        return value >= 0 ? (Object) value : new BigInteger(Long.toUnsignedString(value));
    }

    private static Object bits(BitSet bits) {
        long[] words = bits.toLongArray();
        return unsignedLong(words.length == 0 ? 0 : words[0]);
    }

    /**
     * The row image has the raw bytes in the column's charset; {@code CONVERT(? USING cs)} makes
     * them characters of that charset again, which the server then converts to the ghost column's.
     */
    private static Conversion text(Column column) {
        String charset = column.charset();
        if (charset == null || "binary".equalsIgnoreCase(charset)) {
            return Conversion.plain(v -> v);
        }
        if (!CHARSET_NAME.matcher(charset).matches()) {
            throw new IllegalArgumentException("Unexpected character set name '" + charset + "' of column " + column.name());
        }
        return new Conversion("CONVERT(? USING " + charset + ")", v -> v, charset);
    }

    /**
     * BINARY(n): the binlog leaves out a value's trailing zero bytes (as it leaves out a CHAR's
     * trailing spaces). An insert pads them back, but a comparison does not: {@code WHERE id =
     * x'AB'} misses the row that holds {@code x'AB00...00'}, so the applier's DELETE would leave a
     * deleted or re-keyed row behind in the ghost table. Padded to the column's length, the value is
     * the stored one again.
     */
    private static Conversion binary(Column column) {
        Matcher matcher = LENGTH.matcher(column.columnType());
        if (!matcher.find()) {
            throw new IllegalArgumentException("Cannot read the length of column " + column.name() + " (" + column.columnType() + ")");
        }
        int length = Integer.parseInt(matcher.group(1));
        return Conversion.plain(v -> {
            byte[] bytes = (byte[]) v;
            return bytes.length >= length ? bytes : Arrays.copyOf(bytes, length);
        });
    }

    /**
     * The binlog has the member's 1-based index. Index 0 is the empty "error" member that a
     * non-strict session stores for an unknown label; its text is ''. A strict session (the
     * applier's) refuses '' for an ENUM without such a member, but takes the string '0' as index 0:
     * so the error member bound for an ENUM column is sent as '0' (the copy's INSERT ... SELECT
     * keeps index 0 too), and for any other column (or an unknown one) as its text ''. An ENUM
     * target with a member named '0' would take '0' as that member, so there it fails instead.
     */
    private static Conversion enumLabels(Column column, Column target) {
        List<String> members = EnumMembers.parse(column.columnType());
        boolean intoEnum = target != null && "enum".equals(target.dataType());
        boolean zeroIsAMember = intoEnum && EnumMembers.parse(target.columnType()).contains("0");
        return Conversion.plain(v -> {
            int index = ((Number) v).intValue();
            if (index < 0 || index > members.size()) {
                throw new IllegalArgumentException("ENUM index " + index + " but " + members.size() + " members");
            }
            if (index > 0) {
                return members.get(index - 1);
            }
            if (zeroIsAMember) {
                throw new IllegalArgumentException("the ENUM error member (index 0) cannot be written to " + target.name()
                        + ", whose member '0' the server would store instead");
            }
            return intoEnum ? "0" : "";
        });
    }

    /** The binlog has a bitmask, bit i for member i + 1. */
    private static Conversion setLabels(List<String> members) {
        return Conversion.plain(v -> {
            long mask = ((Number) v).longValue();
            StringJoiner labels = new StringJoiner(",");
            for (int i = 0; i < members.size(); i++) {
                if ((mask & (1L << i)) != 0) {
                    labels.add(members.get(i));
                }
            }
            if (members.size() < Long.SIZE && (mask >>> members.size()) != 0) {
                throw new IllegalArgumentException("SET bitmask " + Long.toBinaryString(mask) + " but " + members.size() + " members");
            }
            return labels.toString();
        });
    }

    private static String json(byte[] binary) {
        if (binary.length == 0) {
            return "null"; // MySQL reads an empty JSON value as JSON null
        }
        try {
            return JsonBinary.parseAsString(binary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int fractionDigits(Column column) {
        Matcher matcher = FRACTION_DIGITS.matcher(column.columnType());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }
}
