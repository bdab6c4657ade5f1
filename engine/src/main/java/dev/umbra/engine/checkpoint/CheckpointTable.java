package dev.umbra.engine.checkpoint;

import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/**
 * The checkpoint table {@code _<table>_ghk}: one row, replaced whole in one autocommitted statement,
 * so that it always holds one complete checkpoint. Its columns are readable by a DBA
 * ({@code SELECT * FROM _users_ghk\G}).
 */
public final class CheckpointTable {

    private static final int ROW_ID = 1;

    private final String schema;
    private final String table;

    public CheckpointTable(TableName table) {
        this.schema = table.schema();
        this.table = table.name();
    }

    public String table() {
        return table;
    }

    public void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + Sql.qualified(schema, table) + " ("
                    + "id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
                    + " format_version INT NOT NULL,"
                    + " saved_at VARCHAR(40) CHARACTER SET ascii NOT NULL,"
                    + " phase VARCHAR(32) CHARACTER SET ascii NOT NULL,"
                    + " binlog_file VARCHAR(512) NOT NULL,"
                    + " binlog_position BIGINT UNSIGNED NOT NULL,"
                    + " gtid_set LONGTEXT CHARACTER SET ascii NULL,"
                    + " server_identity VARCHAR(255) CHARACTER SET ascii NOT NULL,"
                    + " rows_copied BIGINT UNSIGNED NOT NULL,"
                    + " copy_ranges LONGTEXT CHARACTER SET utf8mb4 NOT NULL,"
                    + " alter_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,"
                    + " original_fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,"
                    + " ghost_fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,"
                    + " alter_text LONGTEXT CHARACTER SET utf8mb4 NOT NULL"
                    + ") ENGINE=InnoDB COMMENT='Umbra checkpoint: where an interrupted migration resumes'");
        }
    }

    public void drop(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, table));
        }
    }

    public boolean exists(Connection connection) throws SQLException {
        return TableSchema.exists(connection, new TableName(schema, table));
    }

    /** Replaces the checkpoint; one autocommitted statement. */
    public void write(Connection connection, Checkpoint checkpoint) throws SQLException {
        BinlogPosition position = checkpoint.appliedPosition();
        try (PreparedStatement statement = connection.prepareStatement("REPLACE INTO " + Sql.qualified(schema, table)
                + " (id, format_version, saved_at, phase, binlog_file, binlog_position, gtid_set, server_identity, rows_copied,"
                + " copy_ranges, alter_sha256, original_fingerprint, ghost_fingerprint, alter_text)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            statement.setInt(i++, ROW_ID);
            statement.setInt(i++, checkpoint.formatVersion());
            statement.setString(i++, checkpoint.savedAt().toString());
            statement.setString(i++, checkpoint.phase());
            statement.setString(i++, position.file());
            statement.setLong(i++, position.position());
            if (position.gtidSet() == null) {
                statement.setNull(i++, Types.VARCHAR);
            } else {
                statement.setString(i++, position.gtidSet());
            }
            statement.setString(i++, checkpoint.serverIdentity());
            statement.setLong(i++, checkpoint.rowsCopied());
            statement.setString(i++, KeyCodec.rangesToJson(checkpoint.copyRanges()));
            statement.setString(i++, checkpoint.alterSha256());
            statement.setString(i++, checkpoint.originalFingerprint());
            statement.setString(i++, checkpoint.ghostFingerprint());
            statement.setString(i, checkpoint.alter());
            statement.executeUpdate();
        }
    }

    /**
     * The saved checkpoint; empty if the table holds none.
     *
     * @throws IllegalArgumentException the row cannot be read as a checkpoint of this version
     */
    public Optional<Checkpoint> read(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT format_version, saved_at, phase, binlog_file,"
                + " binlog_position, gtid_set, server_identity, rows_copied, copy_ranges, alter_sha256, original_fingerprint,"
                + " ghost_fingerprint, alter_text FROM " + Sql.qualified(schema, table) + " WHERE id = ?")) {
            statement.setInt(1, ROW_ID);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                int version = row.getInt("format_version");
                if (version != Checkpoint.FORMAT_VERSION) {
                    throw new IllegalArgumentException("it was written in format " + version + ", and this version of Umbra"
                            + " reads format " + Checkpoint.FORMAT_VERSION);
                }
                return Optional.of(new Checkpoint(version, row.getString("alter_text"), row.getString("alter_sha256"),
                        row.getString("original_fingerprint"), row.getString("ghost_fingerprint"),
                        row.getString("server_identity"),
                        new BinlogPosition(row.getString("binlog_file"), row.getLong("binlog_position"), row.getString("gtid_set")),
                        KeyCodec.rangesFromJson(row.getString("copy_ranges")), row.getLong("rows_copied"),
                        row.getString("phase"), Instant.parse(row.getString("saved_at"))));
            }
        }
    }
}
