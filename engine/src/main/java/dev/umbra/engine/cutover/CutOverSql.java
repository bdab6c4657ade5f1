package dev.umbra.engine.cutover;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.TransientErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Statements shared by the cut-over forms. */
final class CutOverSql {

    private CutOverSql() {
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * Copies the original's AUTO_INCREMENT counter to the ghost, so ids deleted from the top of the
     * original are not handed out again. Runs while writers are blocked, so the counter is final.
     */
    static void carryAutoIncrement(Connection connection, CutOverContext context) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute("SET SESSION information_schema_stats_expiry = 0"); // MySQL 8 caches the value otherwise
            } catch (SQLException notMySql8) {
                // 5.7 and MariaDB read it live
            }
        }
        long counter;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, context.schema());
            statement.setString(2, context.original());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next() || row.getObject(1) == null) {
                    return;
                }
                counter = row.getLong(1);
            }
        }
        execute(connection, "ALTER TABLE " + context.qualifiedGhost() + " AUTO_INCREMENT = " + counter);
    }


    /**
     * Locks the tables for writing on {@code lock}, with the parents of cascading foreign keys for
     * reading, or for writing once reading timed out (see {@link CutOverContext#cascadingParents()}). If the lock wait times out, the failure names the
     * session that held the original (found through a separate session, while it still holds it).
     */
    static void lockTables(Connection lock, CutOverContext context, String tables) throws SQLException, CutOverAttemptException {
        try {
            execute(lock, "LOCK TABLES " + tables + context.locksOnParents());
        } catch (SQLException e) {
            if (!TransientErrors.isLockWaitTimeout(e)) {
                throw e;
            }
            String blocker;
            try (Connection look = context.connections().open()) {
                blocker = LockBlockers.describe(look, new TableName(context.schema(), context.original()), context.diagnostics())
                        .orElse("no session holding it is visible (grant PROCESS to see other users' sessions)");
            } catch (SQLException lookFailed) {
                blocker = "the sessions holding it could not be read: " + lookFailed.getMessage();
            }
            throw new CutOverAttemptException(e.getMessage() + " while locking " + context.qualifiedOriginal() + "; "
                    + blocker, e);
        }
    }

    /**
     * Proves the session is still there, and so still holds its LOCK TABLES: a session killed
     * under the lock has released it, and writers may already be writing to the original.
     */
    static void checkStillLocked(Connection lock) throws CutOverAttemptException {
        try {
            execute(lock, "DO 1");
        } catch (SQLException e) {
            throw new CutOverAttemptException("the session holding the lock is gone (" + e.getMessage()
                    + "); writers were let through, so the tables were not swapped", e);
        }
    }

    /** Whether the session still answers (and so, if it held LOCK TABLES, still holds it). */
    static boolean alive(Connection session) {
        try {
            checkStillLocked(session);
            return true;
        } catch (CutOverAttemptException gone) {
            return false;
        }
    }

    /**
     * Whether the tables are swapped: the ghost's name is gone and the old table's name exists.
     * Asked through a new session when the attempt lost its own while the swap may have happened.
     */
    static boolean swapped(CutOverContext context) throws SQLException {
        try (Connection look = context.connections().open();
             PreparedStatement statement = look.prepareStatement(
                     "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?)")) {
            statement.setString(1, context.schema());
            statement.setString(2, context.ghost());
            statement.setString(3, context.old());
            boolean ghost = false;
            boolean old = false;
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    ghost |= row.getString(1).equalsIgnoreCase(context.ghost());
                    old |= row.getString(1).equalsIgnoreCase(context.old());
                }
            }
            return old && !ghost;
        }
    }

    /** Whether the statement carrying {@code token} in its text waits for a metadata lock now. */
    static boolean waitingForMetadataLock(Connection control, String token) throws SQLException {
        return sessionsRunning(control, token).stream()
                .anyMatch(session -> session.state().toLowerCase(Locale.ROOT).contains("metadata lock"));
    }

    /**
     * Kills the statement carrying {@code token} in its text. Found by the token, never by a
     * connection id: behind ProxySQL, {@code CONNECTION_ID()} is not the processlist id.
     */
    static void killStatement(Connection control, String token) throws SQLException {
        for (RunningStatement session : sessionsRunning(control, token)) {
            execute(control, "KILL QUERY " + session.processlistId());
        }
    }

    private record RunningStatement(long processlistId, String state) {
    }

    /** The sessions whose current statement carries {@code token}, as the processlist shows them. */
    private static List<RunningStatement> sessionsRunning(Connection control, String token) throws SQLException {
        List<RunningStatement> sessions = new ArrayList<>();
        try (PreparedStatement statement = control.prepareStatement(
                "SELECT ID, STATE FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND INFO NOT LIKE ?")) {
            statement.setString(1, "%" + token + "%");
            statement.setString(2, "%information_schema.PROCESSLIST%");
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    sessions.add(new RunningStatement(row.getLong(1), String.valueOf(row.getString(2))));
                }
            }
        }
        return sessions;
    }

    static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a session releases its locks; nothing else to do
            }
        }
    }
}
