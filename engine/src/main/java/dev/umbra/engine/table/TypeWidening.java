package dev.umbra.engine.table;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether every value one column type holds fits another unchanged: {@code INT} into {@code
 * BIGINT}, {@code VARCHAR(20)} into {@code VARCHAR(40)} or {@code TEXT} of the same character set,
 * {@code DECIMAL(6,2)} into {@code DECIMAL(9,3)}, {@code DATETIME} into {@code DATETIME(3)}, an
 * {@code ENUM} into one with more members added at the end. Conservative: a pair it does not know
 * is not a widening.
 */
public final class TypeWidening {

    private static final List<String> SIGNED_INTEGERS = List.of("tinyint", "smallint", "mediumint", "int", "bigint");
    private static final List<String> TEXTS = List.of("tinytext", "text", "mediumtext", "longtext");
    private static final List<String> BLOBS = List.of("tinyblob", "blob", "mediumblob", "longblob");
    private static final Pattern LENGTH = Pattern.compile("\\((\\d+)\\)");
    private static final Pattern DECIMAL = Pattern.compile("\\((\\d+),(\\d+)\\)");
    private static final Pattern MEMBERS = Pattern.compile("^(?:enum|set)\\((.*)\\)$");

    private TypeWidening() {
    }

    /** Whether the two hold the same values: the same type, character set and collation. */
    public static boolean same(Column from, Column to) {
        return from.columnType().equalsIgnoreCase(to.columnType()) && Objects.equals(from.charset(), to.charset())
                && Objects.equals(from.collation(), to.collation());
    }

    /** Whether every value of {@code from} is stored unchanged by {@code to} (and {@code to} differs). */
    public static boolean widens(Column from, Column to) {
        if (same(from, to) || !Objects.equals(from.charset(), to.charset())) {
            return false;
        }
        String a = from.dataType().toLowerCase(Locale.ROOT);
        String b = to.dataType().toLowerCase(Locale.ROOT);
        if (SIGNED_INTEGERS.contains(a) && SIGNED_INTEGERS.contains(b)) {
            int fromRank = SIGNED_INTEGERS.indexOf(a);
            int toRank = SIGNED_INTEGERS.indexOf(b);
            if (from.unsigned() == to.unsigned()) {
                return toRank >= fromRank;
            }
            return from.unsigned() && toRank > fromRank; // an unsigned range fits only a larger signed type
        }
        if (a.equals("float") && b.equals("double")) {
            return from.unsigned() == to.unsigned() || !to.unsigned();
        }
        if (a.equals("decimal") && b.equals("decimal")) {
            return decimalWidens(from, to);
        }
        if ((a.equals("varchar") || a.equals("char")) && (b.equals("varchar") || TEXTS.contains(b))) {
            // CHAR pads and strips trailing spaces, so only VARCHAR and TEXT keep them as written.
            // TINYTEXT holds 255 bytes, not characters: left out.
            return a.equals("varchar") && (TEXTS.contains(b) ? !b.equals("tinytext") : length(to) >= length(from));
        }
        if (TEXTS.contains(a) && TEXTS.contains(b)) {
            return TEXTS.indexOf(b) >= TEXTS.indexOf(a);
        }
        if (a.equals("varbinary") && (b.equals("varbinary") || BLOBS.contains(b))) {
            return BLOBS.contains(b) ? !b.equals("tinyblob") || length(from) <= 255 : length(to) >= length(from);
        }
        if (BLOBS.contains(a) && BLOBS.contains(b)) {
            return BLOBS.indexOf(b) >= BLOBS.indexOf(a);
        }
        if (a.equals(b) && (a.equals("datetime") || a.equals("timestamp") || a.equals("time"))) {
            return length(to) >= length(from);
        }
        if (a.equals(b) && (a.equals("enum") || a.equals("set"))) {
            return members(to).startsWith(members(from));
        }
        return false;
    }

    private static boolean decimalWidens(Column from, Column to) {
        Matcher a = DECIMAL.matcher(from.columnType());
        Matcher b = DECIMAL.matcher(to.columnType());
        if (!a.find() || !b.find() || (!from.unsigned() && to.unsigned())) {
            return false;
        }
        int fromScale = Integer.parseInt(a.group(2));
        int toScale = Integer.parseInt(b.group(2));
        int fromWhole = Integer.parseInt(a.group(1)) - fromScale;
        int toWhole = Integer.parseInt(b.group(1)) - toScale;
        return toScale >= fromScale && toWhole >= fromWhole;
    }

    /** The length, precision or fraction digits in the type's parentheses; 0 without. */
    private static int length(Column column) {
        Matcher digits = LENGTH.matcher(column.columnType());
        return digits.find() ? Integer.parseInt(digits.group(1)) : 0;
    }

    /** {@code 'a','b'} of {@code enum('a','b')}, followed by a comma so that a prefix ends at a member's end. */
    private static String members(Column column) {
        Matcher list = MEMBERS.matcher(column.columnType().trim());
        return list.find() ? list.group(1) + "," : "\u0000";
    }
}
