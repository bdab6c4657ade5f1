package dev.umbra.engine.relation;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;

/**
 * A trigger as the server keeps it: enough to create it again, the same, on another table.
 *
 * @param event               INSERT, UPDATE or DELETE
 * @param timing              BEFORE or AFTER
 * @param actionOrder         its place among the triggers of the same event and timing (1 first)
 * @param body                the statement after {@code FOR EACH ROW}, as written
 * @param definer             {@code user@host}, or a role's name (MariaDB)
 * @param sqlMode             the SQL mode it was created under, which governs how it parses and runs
 * @param collationConnection the connection collation it was created under: its string literals have it
 */
public record TableTrigger(String name, String event, String timing, int actionOrder, String body, String definer,
                           String sqlMode, String collationConnection) {

    /** {@code `name` (AFTER INSERT)}, for messages. */
    public String describe() {
        return "`" + name + "` (" + timing + " " + event + ")";
    }

    /** The CREATE TRIGGER statement for this trigger, under {@code triggerName}, on {@code schema.table}. */
    String createStatement(TableName table, String triggerName) {
        return "CREATE DEFINER = " + definerClause() + " TRIGGER " + Sql.qualified(table.schema(), triggerName) + " " + timing + " "
                + event + " ON " + Sql.qualified(table) + " FOR EACH ROW " + body;
    }

    /** Backtick-quoted parts, which mean the same under every SQL mode (ANSI_QUOTES, NO_BACKSLASH_ESCAPES). */
    private String definerClause() {
        int at = definer.lastIndexOf('@');
        return at < 0 ? Sql.quote(definer) : Sql.quote(definer.substring(0, at)) + "@" + Sql.quote(definer.substring(at + 1));
    }
}
