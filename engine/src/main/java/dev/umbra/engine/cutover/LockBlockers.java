package dev.umbra.engine.cutover;

import dev.umbra.engine.logging.Diagnostics;
import dev.umbra.engine.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Names the session that kept a cut-over from locking the original, so that an operator can see
 * who to wait for or kill: its processlist id, user, host, command and time. Its statement stays out
 * of the message (its literals are data, and the message reaches status and Events); with
 * diagnostics on, its head is logged.
 *
 * <p>Sources, from exact to likely: {@code performance_schema.metadata_locks} (MySQL 8; MySQL 5.7
 * and MariaDB when the metadata-lock instrument is on), MariaDB's {@code METADATA_LOCK_INFO}
 * plugin, and otherwise the oldest open InnoDB transaction, which is what holds a table's metadata
 * lock in practice. Of several holders, the oldest transaction that is not itself waiting for a row
 * lock is named: writers queued behind it hold the table too, but are not the cause. Without the PROCESS privilege only the account's own sessions are visible.
 */
final class LockBlockers {

    private static final int QUERY_HEAD = 80;

    private LockBlockers() {
    }

    private record Blocker(long id, String user, String host, String command, long seconds, String query, boolean exact) {

        /** Who, from where, for how long and doing what; never the statement, whose literals are data. */
        String describe(Diagnostics diagnostics) {
            String doing = query == null || query.isBlank() ? "idle in an open transaction"
                    : "running a statement (" + (command == null ? "Query" : command) + "); "
                    + diagnostics.hint("its text and values");
            return (exact ? "blocked by" : "probably blocked by the oldest open transaction,") + " processlist id " + id
                    + " (user " + user + (host == null ? "" : " from " + host) + ", " + seconds + " s): " + doing;
        }
    }

    /**
     * Who holds a lock on the table, described for a person; empty if nothing could be found out.
     * The blocker's statement goes to the log only, through {@code diagnostics}.
     */
    static Optional<String> describe(Connection connection, TableName table, Diagnostics diagnostics) {
        for (Source source : new Source[] {LockBlockers::fromPerformanceSchema, LockBlockers::fromMetadataLockInfo,
                LockBlockers::fromOldestTransaction}) {
            try {
                Optional<Blocker> blocker = source.find(connection, table);
                if (blocker.isPresent()) {
                    Blocker found = blocker.get();
                    diagnostics.log("the session holding a lock on `" + table.name() + "`", () -> "processlist id " + found.id()
                            + " is running \"" + head(found.query() == null ? "" : found.query()) + "\"");
                    return Optional.of(found.describe(diagnostics));
                }
            } catch (SQLException unavailable) {
                // that source is not there on this server (or not for this account); try the next
            }
        }
        return Optional.empty();
    }

    @FunctionalInterface
    private interface Source {
        Optional<Blocker> find(Connection connection, TableName table) throws SQLException;
    }

    private static Optional<Blocker> fromPerformanceSchema(Connection connection, TableName table)
            throws SQLException {
        return first(connection, true, """
                SELECT t.PROCESSLIST_ID, t.PROCESSLIST_USER, t.PROCESSLIST_HOST, t.PROCESSLIST_COMMAND,
                       COALESCE(TIMESTAMPDIFF(SECOND, x.trx_started, NOW()), t.PROCESSLIST_TIME),
                       COALESCE(t.PROCESSLIST_INFO, (SELECT s.SQL_TEXT FROM performance_schema.events_statements_current s
                                                     WHERE s.THREAD_ID = t.THREAD_ID ORDER BY s.EVENT_ID DESC LIMIT 1))
                FROM performance_schema.metadata_locks l
                JOIN performance_schema.threads t ON t.THREAD_ID = l.OWNER_THREAD_ID
                LEFT JOIN information_schema.INNODB_TRX x ON x.trx_mysql_thread_id = t.PROCESSLIST_ID
                WHERE l.OBJECT_TYPE = 'TABLE' AND l.OBJECT_SCHEMA = ? AND l.OBJECT_NAME = ?
                  AND l.LOCK_STATUS = 'GRANTED' AND t.PROCESSLIST_ID IS NOT NULL
                ORDER BY COALESCE(x.trx_state = 'LOCK WAIT', 0), x.trx_started IS NULL, x.trx_started,
                         t.PROCESSLIST_TIME DESC
                LIMIT 1""", table.schema(), table.name());
    }

    private static Optional<Blocker> fromMetadataLockInfo(Connection connection, TableName table)
            throws SQLException {
        return first(connection, true, """
                SELECT p.ID, p.USER, p.HOST, p.COMMAND, p.TIME, p.INFO
                FROM information_schema.METADATA_LOCK_INFO m
                JOIN information_schema.PROCESSLIST p ON p.ID = m.THREAD_ID
                WHERE m.TABLE_SCHEMA = ? AND m.TABLE_NAME = ?
                ORDER BY p.TIME DESC LIMIT 1""", table.schema(), table.name());
    }

    private static Optional<Blocker> fromOldestTransaction(Connection connection, TableName table)
            throws SQLException {
        return first(connection, false, """
                SELECT p.ID, p.USER, p.HOST, p.COMMAND, TIMESTAMPDIFF(SECOND, x.trx_started, NOW()), p.INFO
                FROM information_schema.INNODB_TRX x
                JOIN information_schema.PROCESSLIST p ON p.ID = x.trx_mysql_thread_id
                WHERE (p.INFO IS NULL OR p.INFO NOT LIKE '%INNODB_TRX%')
                ORDER BY x.trx_state = 'LOCK WAIT', x.trx_started LIMIT 1""");
    }

    private static Optional<Blocker> first(Connection connection, boolean exact, String sql, String... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Blocker(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getLong(5), row.getString(6), exact));
            }
        }
    }

    private static String head(String query) {
        String oneLine = query.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= QUERY_HEAD ? oneLine : oneLine.substring(0, QUERY_HEAD) + "…";
    }
}
