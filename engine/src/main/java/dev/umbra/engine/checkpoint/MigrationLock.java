package dev.umbra.engine.checkpoint;

import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * A named server lock ({@code GET_LOCK}) that a migration holds for its whole run. It makes "the
 * helper tables belong to a run that is gone" a fact rather than a guess: a run that dies loses
 * its session and with it the lock, so a run that gets the lock may resume (or drop) what the
 * checkpoint describes; a run that does not get it waits or is refused, because another Umbra
 * migration of the same table is running.
 */
public final class MigrationLock {

    /**
     * How long the server keeps the lock's session while its client says nothing
     * ({@code wait_timeout}). The run pings it every 2 s; a run whose node is lost stops pinging,
     * and the server then ends the session and frees the lock within this time, not the server's
     * default eight hours.
     *
     * <p>It is also the only bound on a KILL the server loses: MySQL 8.0 and 5.7 sometimes mark a
     * session killed as it goes to wait for its next command, and close its socket, without waking
     * it; the session and its lock then stay until this limit, whatever the client does (seen
     * under load in the suite: a KILLed lock session that ended exactly {@code wait_timeout} later).
     * Until then the run cannot open sessions (each waits for the lock), so the limit must stay
     * well within the reconnect budget ({@code MigrationOptions.reconnectTimeout}, 120 s by
     * default).
     */
    public static final Duration SESSION_IDLE_LIMIT = Duration.ofSeconds(30);

    private MigrationLock() {
    }

    /** The lock's name: at most 64 characters whatever the schema and table names are. */
    public static String name(TableName table) {
        return "umbra." + TableFingerprint.sha256(table.schema() + "." + table.name()).substring(0, 40);
    }

    /** Takes the lock on {@code connection} without waiting, or refuses naming who holds it. */
    public static void acquire(Connection connection, TableName table) throws SQLException, TableInUseException {
        if (!tryAcquire(connection, table, Duration.ZERO)) {
            String holder = holder(connection, table).map(LockHolder::toString).orElse("a session that has just ended");
            throw new TableInUseException("Another Umbra migration of `" + table.schema() + "`.`" + table.name() + "` is running: "
                    + holder + " holds the server lock '" + name(table) + "'. Wait for it to end, or abort it;"
                    + " its helper tables are left alone.", holder);
        }
    }

    /** Takes the lock on {@code connection}, waiting up to {@code wait}; false if another session holds it. */
    public static boolean tryAcquire(Connection connection, TableName table, Duration wait) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION wait_timeout = " + SESSION_IDLE_LIMIT.toSeconds());
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            statement.setString(1, name(table));
            statement.setLong(2, wait.toSeconds());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getInt(1) == 1;
            }
        }
    }

    /**
     * The session that holds the lock, by the server's own id for it ({@code IS_USED_LOCK}, which a
     * proxy in between does not change, unlike {@code CONNECTION_ID()}), and who it is.
     */
    public static Optional<LockHolder> holder(Connection connection, TableName table) throws SQLException {
        long id;
        try (PreparedStatement statement = connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            statement.setString(1, name(table));
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next() || row.getObject(1) == null) {
                    return Optional.empty();
                }
                id = row.getLong(1);
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            statement.setLong(1, id);
            try (ResultSet row = statement.executeQuery()) {
                return Optional.of(row.next() ? new LockHolder(id, row.getString(1), row.getString(2))
                        : new LockHolder(id, "", ""));
            }
        }
    }

    /** {@code session} as the process list shows it, to recognise it later as the lock's holder. */
    public static LockHolder identity(Connection session) throws SQLException {
        try (Statement statement = session.createStatement();
             ResultSet row = statement.executeQuery("SELECT ID, USER, HOST FROM information_schema.PROCESSLIST"
                     + " WHERE ID = CONNECTION_ID()")) {
            if (!row.next()) {
                throw new SQLException("the session is not in the server's process list");
            }
            return new LockHolder(row.getLong(1), row.getString(2), row.getString(3));
        }
    }

    /** A session holding the lock: its server-side id, and the account and client address the processlist shows. */
    public record LockHolder(long sessionId, String user, String host) {

        /** The process list no longer shows the session: it has ended and is releasing what it held. */
        public boolean isEnding() {
            return user.isEmpty() && host.isEmpty();
        }

        @Override
        public String toString() {
            return "session " + sessionId + (user.isEmpty() ? "" : " (" + user + "@" + host + ")");
        }
    }
}
