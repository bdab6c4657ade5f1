package dev.umbra.engine.checkpoint;

import dev.umbra.engine.run.MigrationRefusedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A named server lock ({@code GET_LOCK}) that a migration holds on its main session for its whole
 * run. It makes "the helper tables belong to a run that is gone" a fact rather than a guess: a
 * run that dies loses its session and with it the lock, so a run that gets the lock may resume
 * (or drop) what the checkpoint describes; a run that does not get it is refused, because another
 * Umbra migration of the same table is running.
 */
public final class MigrationLock {

    private MigrationLock() {
    }

    /** The lock's name: at most 64 characters whatever the schema and table names are. */
    public static String name(String schema, String table) {
        return "umbra." + TableFingerprint.sha256(schema + "." + table).substring(0, 40);
    }

    /**
     * Takes the lock on {@code connection} without waiting, or refuses. The session is kept from
     * timing out: it sits idle while the copy runs on other sessions, often for longer than the
     * default {@code wait_timeout} of eight hours, and losing it would lose the lock.
     */
    public static void acquire(Connection connection, String schema, String table)
            throws SQLException, MigrationRefusedException {
        try (java.sql.Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION wait_timeout = 31536000");
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            statement.setString(1, name(schema, table));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                if (row.getInt(1) != 1) {
                    throw new MigrationRefusedException("Another Umbra migration of `" + schema + "`.`" + table
                            + "` is running (it holds the server lock '" + name(schema, table) + "'). Wait for it to end,"
                            + " or abort it; its helper tables are left alone.");
                }
            }
        }
    }
}
