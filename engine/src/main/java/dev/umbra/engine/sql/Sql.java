package dev.umbra.engine.sql;

import dev.umbra.engine.plan.TableName;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the SQL fragments that name things. Every identifier that reaches the server goes
 * through {@link #quote}; the validated ALTER clause list is the only user text spliced into SQL.
 */
public final class Sql {

    private Sql() {
    }

    /** A backtick-quoted identifier, with embedded backticks doubled. */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("An SQL identifier may not be empty");
        }
        return "`" + identifier.replace("`", "``") + "`";
    }

    public static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** {@code `schema`.`name`}, both identifiers quoted. */
    public static String qualified(TableName table) {
        return qualified(table.schema(), table.name());
    }

    /** {@code `a`, `b`, `c`} */
    public static String columnList(List<String> columns) {
        return columns.stream().map(Sql::quote).collect(Collectors.joining(", "));
    }

    /** {@code (?, ?, ?)} with as many placeholders as {@code count}. */
    public static String placeholders(int count) {
        return "(" + String.join(", ", java.util.Collections.nCopies(count, "?")) + ")";
    }

    /** A string literal for the rare statements that cannot take parameters (e.g. SHOW ... LIKE). */
    public static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
