package dev.umbra.engine.apply;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * The changelog table {@code _<table>_ghc}: the engine writes marker rows and a heartbeat into it
 * and watches them come back through the binlog. A marker that comes back proves that everything
 * written before it has been received (stream live at start, all events up to the cut-over lock);
 * the heartbeat's age when it comes back is the replication-style lag of the stream.
 */
public final class Changelog {

    public static final String MARKER = "marker";
    public static final String HEARTBEAT = "heartbeat";
    /** Written by {@code umbra revert}: the run keeping the revert window swaps the tables back. */
    public static final String REVERT_REQUEST = "revert-request";
    private static final int HEARTBEAT_ID = 1;

    private final String schema;
    private final String table;

    public Changelog(TableName table) {
        this.schema = table.schema();
        this.table = table.name();
    }

    public String table() {
        return table;
    }

    /** The table comment that names the run owning the helper tables. */
    public static String comment(UUID run) {
        return "Umbra changelog and heartbeat; run " + run;
    }

    /** Creates the table, owned by {@code run} (see {@link #comment}). */
    public void create(Connection connection, UUID run) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + Sql.qualified(schema, table) + " ("
                    + "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " kind VARCHAR(32) CHARACTER SET ascii NOT NULL,"
                    + " value VARCHAR(255) CHARACTER SET ascii NOT NULL"
                    // Markers take ids from 2 on: id 1 is the heartbeat's, and a marker that drew it
                    // would collide with (or be replaced by) the heartbeat written concurrently.
                    + ") ENGINE=InnoDB AUTO_INCREMENT=" + (HEARTBEAT_ID + 1) + " COMMENT='" + comment(run) + "'");
        }
    }

    public void drop(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, table));
        }
    }

    /** Writes a marker row; it comes back through the binlog as an insert with this value. */
    public void writeMarker(Connection connection, String value) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO " + Sql.qualified(schema, table) + " (kind, value) VALUES (?, ?)")) {
            statement.setString(1, MARKER);
            statement.setString(2, value);
            statement.executeUpdate();
        }
    }

    /** Writes the heartbeat: the current time in epoch milliseconds. */
    public void writeHeartbeat(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "REPLACE INTO " + Sql.qualified(schema, table) + " (id, kind, value) VALUES (?, ?, ?)")) {
            statement.setInt(1, HEARTBEAT_ID);
            statement.setString(2, HEARTBEAT);
            statement.setString(3, Long.toString(System.currentTimeMillis()));
            statement.executeUpdate();
        }
    }

    /**
     * The heartbeat as this server has it (a replica: as far as it has replayed), in epoch
     * milliseconds of the clock of the Umbra process that wrote it; empty before the first.
     */
    public Optional<Long> readHeartbeat(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT value FROM " + Sql.qualified(schema, table) + " WHERE id = ? AND kind = ?")) {
            statement.setInt(1, HEARTBEAT_ID);
            statement.setString(2, HEARTBEAT);
            try (var row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Long.parseLong(row.getString(1)));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
    }

    /** Adds a row of a kind of its own (e.g. the end of a revert window), read back by {@link #latest}. */
    public void write(Connection connection, String kind, String value) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO " + Sql.qualified(schema, table) + " (kind, value) VALUES (?, ?)")) {
            statement.setString(1, kind);
            statement.setString(2, value);
            statement.executeUpdate();
        }
    }

    /** The value of the newest row of this kind, if there is one. */
    public Optional<String> latest(Connection connection, String kind) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT value FROM " + Sql.qualified(schema, table) + " WHERE kind = ? ORDER BY id DESC LIMIT 1")) {
            statement.setString(1, kind);
            try (var row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    /** A changelog row from the binlog: (kind, value), if the image is one of ours. */
    public static Optional<Entry> entryOf(Serializable[] image) {
        if (image == null || image.length < 3) {
            return Optional.empty();
        }
        return Optional.of(new Entry(text(image[1]), text(image[2])));
    }

    private static String text(Serializable value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(value);
    }

    public record Entry(String kind, String value) {
    }
}
