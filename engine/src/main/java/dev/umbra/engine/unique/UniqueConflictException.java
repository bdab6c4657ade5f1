package dev.umbra.engine.unique;

import dev.umbra.engine.logging.Diagnostics;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows of the original table collide on a unique key of the new table: copying them would drop
 * rows. The message names the table, the keys and how many rows; values only reach the log.
 */
public final class UniqueConflictException extends Exception {

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate entry '(.*)' for key '(?:[^']*\\.)?([^'.]*)'");
    private static final int SHOWN = 3;

    public UniqueConflictException(String message) {
        super(message);
    }

    /**
     * For rows that stay held: names the table, the keys and how many rows, never a value (the
     * message reaches status and Events); the rows and values go to the log on request.
     */
    static UniqueConflictException of(String table, List<HeldRows.Held> held, Diagnostics diagnostics) {
        Set<String> keys = new TreeSet<>();
        for (HeldRows.Held row : held) {
            Matcher matcher = DUPLICATE.matcher(row.reason());
            keys.add(matcher.find() ? "`" + matcher.group(2) + "`" : "a unique key");
        }
        diagnostics.log("rows of `" + table + "` that collide on a unique key of the new table", () -> {
            StringBuilder rows = new StringBuilder();
            for (HeldRows.Held row : held.subList(0, Math.min(SHOWN, held.size()))) {
                rows.append(rows.isEmpty() ? "" : "; ").append(describe(row));
            }
            return rows + (held.size() > SHOWN ? "; and " + (held.size() - SHOWN) + " more" : "");
        });
        return new UniqueConflictException(held.size() + " row" + (held.size() == 1 ? "" : "s") + " of `" + table
                + "` collide on " + String.join(", ", keys) + " of the new table, so the migration stopped rather than"
                + " drop them (" + diagnostics.hint("their keys and values") + "). Remove the duplicates (or change the"
                + " ALTER) and run the migration again");
    }

    private static String describe(HeldRows.Held row) {
        Matcher matcher = DUPLICATE.matcher(row.reason());
        if (matcher.find()) {
            return "the row whose migration key is (" + row.key().text() + ") repeats the value '" + matcher.group(1)
                    + "' of key `" + matcher.group(2) + "`";
        }
        return "the row whose migration key is (" + row.key().text() + "): " + row.reason();
    }
}
