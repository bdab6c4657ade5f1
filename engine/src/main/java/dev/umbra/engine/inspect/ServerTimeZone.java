package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import dev.umbra.engine.table.TemporalZone;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zone in which TIMESTAMP and DATETIME values move between each other: the server's
 * {@code @@global.time_zone}, which is the session time zone of a client that runs the ALTER
 * itself (and of the application that reads the values), daylight saving included.
 */
final class ServerTimeZone {

    private static final Logger log = LoggerFactory.getLogger(ServerTimeZone.class);

    private final String name;
    private final String system;

    private ServerTimeZone(String name, String system) {
        this.name = name;
        this.system = system;
    }

    static ServerTimeZone read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@global.time_zone, @@system_time_zone")) {
            row.next();
            return new ServerTimeZone(row.getString(1), row.getString(2));
        }
    }

    /** The zone to build the mapping with; UTC when the server's cannot be used (then {@link #check} refuses). */
    TemporalZone zone() {
        try {
            return new TemporalZone(name);
        } catch (IllegalArgumentException e) {
            return TemporalZone.UTC;
        }
    }

    /**
     * A DATETIME in the hour a daylight-saving change skips is no instant, so no TIMESTAMP can hold
     * it: the server's own ALTER fails on it. Such rows are counted (never shown: they are data) and
     * the user gets the query that lists them.
     */
    private void refuseSkippedWallTimes(Connection connection, TableName table, ColumnMapping mapping)
            throws SQLException, MigrationRefusedException {
        String zone = "'" + mapping.zone().name() + "'";
        for (MappedColumn column : mapping.columns()) {
            if (!"datetime".equals(column.original().dataType()) || !"timestamp".equals(column.ghost().dataType())) {
                continue;
            }
            String value = Sql.quote(column.original().name());
            String instant = "CONVERT_TZ(" + value + ", " + zone + ", '+00:00')";
            String skipped = instant + " IS NOT NULL AND NOT (CONVERT_TZ(" + instant + ", '+00:00', " + zone + ") <=> " + value + ")";
            long rows;
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM " + Sql.qualified(table) + " WHERE " + skipped)) {
                row.next();
                rows = row.getLong(1);
            }
            if (rows > 0) {
                throw new MigrationRefusedException(rows + " row(s) of `" + table.name() + "` hold a `" + column.original().name()
                        + "` that does not exist in the server's time zone " + mapping.zone().name() + " (a wall time that"
                        + " daylight saving skips), which no TIMESTAMP can hold; the server's own ALTER fails on them too."
                        + " List them with: SELECT * FROM " + Sql.qualified(table) + " WHERE " + skipped
                        + " (in a session with time_zone = " + zone + "), and change them first.");
            }
        }
    }

    /** Refuses a migration that moves values between TIMESTAMP and DATETIME in a zone CONVERT_TZ cannot use. */
    void check(Connection connection, TableName table, ColumnMapping mapping)
            throws SQLException, MigrationRefusedException {
        if (!mapping.shiftsTemporalValues()) {
            return;
        }
        boolean usable = !mapping.zone().equals(TemporalZone.UTC) || "+00:00".equals(name) || "UTC".equalsIgnoreCase(name);
        if (usable) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT CONVERT_TZ('2000-01-01 00:00:00', '+00:00', ?)")) {
                statement.setString(1, mapping.zone().name());
                try (ResultSet row = statement.executeQuery()) {
                    usable = row.next() && row.getString(1) != null;
                }
            }
        }
        if (!usable) {
            throw new MigrationRefusedException("The ALTER moves values between TIMESTAMP and DATETIME, which must happen in"
                    + " the server's time zone (@@global.time_zone = '" + name + "'), but the server cannot convert in it"
                    + " (CONVERT_TZ gives NULL): load the server's time zone tables (mysql_tzinfo_to_sql), or set"
                    + " time_zone to an offset or SYSTEM.");
        }
        refuseSkippedWallTimes(connection, table, mapping);
        log.info("TIMESTAMP and DATETIME values move between each other in the server's time zone {}{}", name,
                "SYSTEM".equalsIgnoreCase(name) ? " (the system's: " + system + ")" : "");
    }
}
