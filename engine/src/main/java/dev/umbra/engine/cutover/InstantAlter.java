package dev.umbra.engine.cutover;

import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.sql.TransientErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The fast path: an ALTER that the server can do with {@code ALGORITHM=INSTANT} (MySQL 8.0.12+ and
 * MariaDB 10.3+ add a column that way) changes only the table's metadata, in well under a second
 * however many rows it has, so copying rows would be pure cost.
 *
 * <p>Whether the server can is decided by the server, on an empty copy first ({@link #probe}), so
 * that a migration waits for approval knowing which path it will take. The ALTER on the table
 * itself then runs with a short {@code lock_wait_timeout}: it needs the table's metadata lock for a
 * moment, and while it waits for a long transaction, the application's statements queue behind it,
 * exactly as during a cut-over. If the lock is not granted in time, or the server refuses after all,
 * nothing has changed and the caller takes the online path.
 */
public final class InstantAlter {

    /** ER_ALTER_OPERATION_NOT_SUPPORTED, ..._REASON, and MySQL 8.0.29+'s ER_INNODB_MAX_ROW_VERSION. */
    private static final Set<Integer> NOT_INSTANT = Set.of(1845, 1846, 4092);

    private final String schema;
    private final String table;
    private final String ghost;
    private final ParsedAlter alter;

    public InstantAlter(TableName table, String ghost, ParsedAlter alter) {
        this.schema = table.schema();
        this.table = table.name();
        this.ghost = ghost;
        this.alter = alter;
    }

    /**
     * Rebuilds the empty ghost table as {@code CREATE TABLE ... LIKE} the original plus the ALTER with
     * {@code ALGORITHM=INSTANT}: true if the server did it instantly. Either way the ghost ends as
     * inspection made it (the same statements on the same definition), ready for the online path.
     */
    public boolean probe(Connection connection) throws SQLException {
        String qualifiedGhost = Sql.qualified(schema, ghost);
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + qualifiedGhost);
            statement.execute("CREATE TABLE " + qualifiedGhost + " LIKE " + Sql.qualified(schema, table));
            try {
                statement.execute("ALTER TABLE " + qualifiedGhost + " " + alter.clauseList() + ", ALGORITHM=INSTANT");
                return true;
            } catch (SQLException e) {
                if (!NOT_INSTANT.contains(e.getErrorCode())) {
                    throw e;
                }
                // The ALTER inspection already ran on this same definition, without the algorithm.
                statement.execute("ALTER TABLE " + qualifiedGhost + " " + alter.clauseList());
                return false;
            }
        }
    }

    /**
     * Runs the ALTER on the table itself with {@code ALGORITHM=INSTANT}, waiting at most
     * {@code lockTimeout} for its metadata lock. Empty when it is done; otherwise why not (the
     * table is then unchanged: the server refused, or the lock was not granted in time).
     */
    public Optional<String> apply(Connection connection, Duration lockTimeout) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            long previousTimeout = lockWaitTimeout(statement);
            statement.execute("SET SESSION lock_wait_timeout = " + Math.max(1, lockTimeout.toSeconds()));
            try {
                statement.execute("ALTER TABLE " + Sql.qualified(schema, table) + " " + alter.clauseList()
                        + ", ALGORITHM=INSTANT");
                return Optional.empty();
            } catch (SQLException e) {
                if (TransientErrors.isLockWaitTimeout(e)) {
                    return Optional.of("the table's metadata lock was not granted within " + lockTimeout.toSeconds()
                            + " s (a long transaction holds the table)");
                }
                if (NOT_INSTANT.contains(e.getErrorCode())) {
                    return Optional.of("the server refused ALGORITHM=INSTANT: " + e.getMessage());
                }
                throw e;
            } finally {
                statement.execute("SET SESSION lock_wait_timeout = " + previousTimeout);
            }
        }
    }

    private static long lockWaitTimeout(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT @@SESSION.lock_wait_timeout")) {
            row.next();
            return row.getLong(1);
        }
    }
}
