package dev.umbra.engine.testing;

import dev.umbra.engine.sql.Sql;
import java.util.Locale;

/**
 * One column compared between a migrated table and its old table: an SQL expression for each
 * side, each read back as text. Binary values are compared as {@code HEX()}, everything else as
 * {@code CAST(... AS CHAR)} (in a {@code '+00:00'} session, see {@link OldAndNewRows}).
 *
 * @param label    what a failure calls the column
 * @param migrated the expression over the migrated (new) table
 * @param old      the expression over the old table
 */
public record ComparedColumn(String label, String migrated, String old) {

    /** A column of the same name and type on both sides, rendered as its type needs. */
    public static ComparedColumn of(String column, String dataType) {
        String expression = render(Sql.quote(column), dataType);
        return new ComparedColumn(column, expression, expression);
    }

    /** A column renamed by the ALTER: the old name on the old table, the new name on the new one. */
    public static ComparedColumn renamed(String oldName, String newName) {
        return new ComparedColumn(oldName + "->" + newName, "CAST(" + Sql.quote(newName) + " AS CHAR)",
                "CAST(" + Sql.quote(oldName) + " AS CHAR)");
    }

    /**
     * A column whose type the ALTER changed, compared in the new type: the old value goes through
     * {@code CAST(old AS castType)}, e.g. {@code SIGNED} for INT to BIGINT, {@code CHAR(100)}.
     */
    public static ComparedColumn retyped(String column, String castType) {
        String name = Sql.quote(column);
        return new ComparedColumn(column + " as " + castType, "CAST(" + name + " AS CHAR)",
                "CAST(CAST(" + name + " AS " + castType + ") AS CHAR)");
    }

    /**
     * A column the ALTER moved to another character set, compared byte for byte in that set: the
     * old value through {@code CONVERT(old USING charset)}.
     */
    public static ComparedColumn inCharset(String column, String charset) {
        String name = Sql.quote(column);
        return new ComparedColumn(column + " in " + charset, "HEX(" + name + ")",
                "HEX(CONVERT(" + name + " USING " + charset + "))");
    }

    static String render(String expression, String dataType) {
        return switch (dataType.toLowerCase(Locale.ROOT)) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit", "geometry", "point",
                    "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection",
                    "geomcollection" -> "HEX(" + expression + ")";
            // as a DOUBLE, so that every bit of a FLOAT shows
            case "float", "double", "real" -> "CAST(" + expression + " * 1e0 AS CHAR)";
            default -> "CAST(" + expression + " AS CHAR)";
        };
    }
}
