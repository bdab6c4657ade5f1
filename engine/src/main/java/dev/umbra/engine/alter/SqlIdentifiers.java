package dev.umbra.engine.alter;

import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Turns an identifier as written in SQL into the name MySQL means by it.
 *
 * <p>Names are compared with the table's real column and table names, which never carry quotes,
 * so a backtick-quoted name must lose its quotes and have doubled backticks inside it undone.
 */
final class SqlIdentifiers {

    private SqlIdentifiers() {}

    /** The unquoted name of an identifier rule (its single token). */
    static String name(ParseTree identifier) {
        return unquote(identifier.getText());
    }

    /** {@code `my``col`} becomes {@code my`col}; an unquoted name is returned as it is. */
    static String unquote(String written) {
        if (written.length() >= 2 && written.startsWith("`") && written.endsWith("`")) {
            return written.substring(1, written.length() - 1).replace("``", "`");
        }
        return written;
    }
}
