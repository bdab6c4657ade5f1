package dev.umbra.engine.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kind of server we talk to, read from the server itself, and what that allows. Capabilities
 * are decided here, once, so that no other code compares version numbers.
 */
public record ServerInfo(boolean mariaDb, int major, int minor, int patch, String versionText) {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

    public static ServerInfo read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@version, @@version_comment")) {
            row.next();
            String version = row.getString(1);
            String comment = row.getString(2);
            return parse(version, comment);
        }
    }

    static ServerInfo parse(String version, String comment) {
        Matcher matcher = VERSION.matcher(version);
        if (!matcher.find()) {
            throw new IllegalStateException("Unrecognised server version '" + version + "'");
        }
        boolean mariaDb = version.toLowerCase().contains("mariadb")
                || (comment != null && comment.toLowerCase().contains("mariadb"));
        return new ServerInfo(mariaDb, Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)), version);
    }

    private boolean atLeast(int wantMajor, int wantMinor, int wantPatch) {
        if (major != wantMajor) {
            return major > wantMajor;
        }
        if (minor != wantMinor) {
            return minor > wantMinor;
        }
        return patch >= wantPatch;
    }

    /** MySQL 8.0.13+ renames tables that the same session holds under LOCK TABLES; others refuse (1192). */
    public boolean renamesUnderLockTables() {
        return !mariaDb && atLeast(8, 0, 13);
    }

    /** MySQL 8.0.12 and MariaDB 10.3 were the first with {@code ALGORITHM=INSTANT} (5.7 has none). */
    public boolean hasInstantDdl() {
        return mariaDb ? atLeast(10, 3, 0) : atLeast(8, 0, 12);
    }

    /** MySQL 8.4 renamed SHOW MASTER STATUS; MariaDB and older MySQL keep the old name. */
    public String binaryLogStatusStatement() {
        return !mariaDb && atLeast(8, 4, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    /**
     * The clause of a shared locking read that can be told not to wait ({@code NOWAIT}: fail at
     * once on a locked row) or to pass locked rows by ({@code SKIP LOCKED}), or empty where the
     * server lacks either: MySQL 8.0.1 and MariaDB 10.6 were the first with both. MySQL 8 accepts
     * them only after {@code FOR SHARE}, MariaDB only after {@code LOCK IN SHARE MODE}.
     */
    public Optional<String> sharedLockThatNeedNotWait() {
        if (mariaDb) {
            return atLeast(10, 6, 0) ? Optional.of("LOCK IN SHARE MODE") : Optional.empty();
        }
        return atLeast(8, 0, 1) ? Optional.of("FOR SHARE") : Optional.empty();
    }

    public String flavorName() {
        return (mariaDb ? "MariaDB " : "MySQL ") + major + "." + minor + "." + patch;
    }

    @Override
    public String toString() {
        return flavorName();
    }
}
