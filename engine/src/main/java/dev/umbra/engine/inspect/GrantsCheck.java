package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The account needs, on the schema: SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX,
 * LOCK TABLES; globally: REPLICATION SLAVE and REPLICATION CLIENT (to read the binary log and its
 * position). Missing ones are named.
 */
final class GrantsCheck {

    enum Privilege {
        SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK_TABLES("LOCK TABLES"),
        REPLICATION_SLAVE("REPLICATION SLAVE", true), REPLICATION_CLIENT("REPLICATION CLIENT", true);

        final String sqlName;
        final boolean global;

        Privilege() {
            this(null, false);
        }

        Privilege(String sqlName) {
            this(sqlName, false);
        }

        Privilege(String sqlName, boolean global) {
            this.sqlName = sqlName == null ? name() : sqlName;
            this.global = global;
        }
    }

    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (\\S+) TO ", Pattern.CASE_INSENSITIVE);

    private GrantsCheck() {
    }

    static void check(Connection connection, String schema) throws SQLException, MigrationRefusedException {
        EnumSet<Privilege> held = EnumSet.noneOf(Privilege.class);
        try (Statement statement = connection.createStatement(); ResultSet grants = statement.executeQuery("SHOW GRANTS")) {
            while (grants.next()) {
                Matcher matcher = GRANT.matcher(grants.getString(1));
                if (!matcher.find()) {
                    continue; // GRANT role TO ..., PROXY grants
                }
                String target = matcher.group(2).replace("`", "");
                boolean global = target.equals("*.*");
                boolean onSchema = global || target.equalsIgnoreCase(schema + ".*") || matchesWildcard(target, schema);
                if (!onSchema) {
                    continue;
                }
                String privileges = matcher.group(1).toUpperCase(Locale.ROOT);
                for (Privilege privilege : Privilege.values()) {
                    boolean granted = privileges.startsWith("ALL") || containsPrivilege(privileges, privilege.sqlName)
                            || (privilege == Privilege.REPLICATION_CLIENT && containsPrivilege(privileges, "BINLOG MONITOR"));
                    if (granted && (global || !privilege.global)) {
                        held.add(privilege);
                    }
                }
            }
        }
        Set<Privilege> missing = EnumSet.complementOf(held);
        if (!missing.isEmpty()) {
            String onSchema = missing.stream().filter(p -> !p.global).map(p -> p.sqlName).collect(Collectors.joining(", "));
            String global = missing.stream().filter(p -> p.global).map(p -> p.sqlName).collect(Collectors.joining(", "));
            StringBuilder message = new StringBuilder("The database user lacks privileges Umbra needs:");
            if (!onSchema.isEmpty()) {
                message.append(" ").append(onSchema).append(" on `").append(schema).append("`.*");
            }
            if (!global.isEmpty()) {
                message.append(onSchema.isEmpty() ? " " : "; ").append(global).append(" on *.*");
            }
            message.append(". Grant them (see docs/engine.md, \"Grants\") and retry.");
            throw new MigrationRefusedException(message.toString());
        }
    }

    private static boolean containsPrivilege(String privileges, String name) {
        for (String part : privileges.split(",")) {
            if (part.trim().startsWith(name)) {
                return true;
            }
        }
        return false;
    }

    /** {@code GRANT ... ON `shop\_%`.*}: LIKE-style patterns on the schema name. */
    private static boolean matchesWildcard(String target, String schema) {
        if (!target.endsWith(".*")) {
            return false;
        }
        String pattern = target.substring(0, target.length() - 2);
        if (!pattern.contains("%") && !pattern.contains("_")) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return schema.matches("(?i)" + regex);
    }
}
