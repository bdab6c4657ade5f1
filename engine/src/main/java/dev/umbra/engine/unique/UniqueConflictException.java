package dev.umbra.engine.unique;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows of the original table collide on a unique key of the new table: copying them would drop
 * rows. The message names the key, the duplicate value and the rows.
 */
public final class UniqueConflictException extends Exception {

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate entry '(.*)' for key '(?:[^']*\\.)?([^'.]*)'");
    private static final int SHOWN = 3;

    public UniqueConflictException(String message) {
        super(message);
    }

    /** For rows that stay held: {@code the new table's unique key `uk` rejects rows of `t`: ...}. */
    static UniqueConflictException of(String table, List<HeldRows.Held> held) {
        StringBuilder message = new StringBuilder();
        for (HeldRows.Held row : held.subList(0, Math.min(SHOWN, held.size()))) {
            message.append(message.isEmpty() ? "" : "; ").append(describe(row));
        }
        if (held.size() > SHOWN) {
            message.append("; and ").append(held.size() - SHOWN).append(" more");
        }
        return new UniqueConflictException("rows of `" + table + "` collide on a unique key of the new table, so the"
                + " migration stopped rather than drop them: " + message + ". Remove the duplicates (or change the"
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
