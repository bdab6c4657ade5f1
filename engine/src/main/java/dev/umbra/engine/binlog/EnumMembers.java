package dev.umbra.engine.binlog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The member labels of an ENUM or SET column, parsed from information_schema's COLUMN_TYPE (e.g.
 * {@code enum('a','it''s','x,y')}). The binlog carries only a member's 1-based index (ENUM) or a
 * bitmask (SET), so the labels have to come from the table definition. Members are quoted, with
 * a quote inside doubled; commas and parentheses inside quotes belong to the member. MySQL 5.7,
 * 8.0 and MariaDB 11.4 also escape a backslash as {@code \\}, a newline as {@code \n}, a carriage
 * return as {@code \r}, NUL as {@code \0} and Ctrl-Z as {@code \Z} there (seen on all three).
 */
final class EnumMembers {

    private EnumMembers() {
    }

    static List<String> parse(String columnType) {
        int open = columnType.indexOf('(');
        String kind = open < 0 ? "" : columnType.substring(0, open).trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("enum") && !kind.equals("set")) {
            throw new IllegalArgumentException("Not an ENUM or SET column type: " + columnType);
        }
        List<String> members = new ArrayList<>();
        int i = open + 1;
        while (true) {
            i = skipSpaces(columnType, i);
            if (i >= columnType.length() || columnType.charAt(i) != '\'') {
                throw malformed(columnType);
            }
            StringBuilder member = new StringBuilder();
            i++;
            while (true) {
                if (i >= columnType.length()) {
                    throw malformed(columnType);
                }
                char c = columnType.charAt(i++);
                if (c == '\\' && i < columnType.length()) {
                    member.append(unescape(columnType.charAt(i++)));
                } else if (c != '\'') {
                    member.append(c);
                } else if (i < columnType.length() && columnType.charAt(i) == '\'') {
                    member.append('\'');
                    i++;
                } else {
                    break;
                }
            }
            members.add(member.toString());
            i = skipSpaces(columnType, i);
            if (i < columnType.length() && columnType.charAt(i) == ',') {
                i++;
            } else if (i < columnType.length() && columnType.charAt(i) == ')') {
                return List.copyOf(members);
            } else {
                throw malformed(columnType);
            }
        }
    }

    private static char unescape(char escaped) {
        return switch (escaped) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case '0' -> '\0';
            case 'Z' -> '\u001a';
            default -> escaped;
        };
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException malformed(String columnType) {
        return new IllegalArgumentException("Cannot parse the member list of " + columnType);
    }
}
