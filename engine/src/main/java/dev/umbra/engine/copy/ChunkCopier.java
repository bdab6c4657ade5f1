package dev.umbra.engine.copy;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.sql.TransactionCleanup;
import dev.umbra.engine.sql.TransientErrors;
import dev.umbra.engine.sql.WaitFreeRowLocks;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.unique.ConflictClause;
import dev.umbra.engine.unique.ConflictResolver;
import dev.umbra.engine.unique.HeldRows;
import dev.umbra.engine.unique.RowKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the original table's rows into the ghost table in chunks ordered by the migration key.
 *
 * <p>Every read is a locking read: it gets the rows only once the transactions that hold them
 * have ended, so a transaction whose binlog event was written before the stream started but whose
 * commit was not yet visible is still seen (gh-ost's lost-last-write, failure mode 1). The initial
 * upper bound is read the same way, after the stream is proven live; rows inserted above it
 * arrive through the binlog.
 *
 * <p>Where the server's locking reads can refuse to wait, a chunk's read never waits inside the
 * server for a row another transaction holds (see {@link WaitFreeRowLocks}): a read that waited
 * while holding the chunk's rows before it could make an application's transaction the victim of
 * a deadlock. MySQL 5.7 has no such read: there the chunk waits ({@code LOCK IN SHARE MODE}), as
 * gh-ost's and pt-online-schema-change's copies do.
 *
 * <p>A row already in the ghost table was put there by the binlog applier and is newer than what
 * the copy reads, so the copy keeps it ({@code ON DUPLICATE KEY UPDATE} on the key as a no-op).
 * Unlike {@code INSERT IGNORE}, that ignores nothing else: a value that does not fit the new
 * column type fails the copy instead of being silently truncated, and a row that collides with a
 * <em>different</em> row on a unique key fails the statement (see {@link ConflictClause}). The
 * chunk is then copied row by row, and rows that collide are held (see {@link HeldRows}) rather
 * than dropped.
 */
public final class ChunkCopier {

    private static final Logger log = LoggerFactory.getLogger(ChunkCopier.class);
    private static final int CLEARED_PER_STATEMENT = 10_000;
    /** How long a chunk tries to get rows other transactions hold: as long as a waiting read would by InnoDB's default. */
    private static final Duration GIVE_UP_ON_LOCKED_ROWS_AFTER = Duration.ofSeconds(50);
    private static final java.util.Set<String> TEMPORAL_TYPES = java.util.Set.of("date", "datetime", "timestamp", "time", "year");

    private final String schema;
    private final String original;
    private final String ghost;
    private final ColumnMapping mapping;
    private final String keyIndex;
    private final ConflictClause clause;
    private final ConflictResolver resolver;
    private final Optional<String> lockThatNeedNotWait;
    private final Duration rowLockBudget;

    /**
     * @param lockThatNeedNotWait the server's shared locking read that can refuse to wait (see
     *                            {@link dev.umbra.engine.sql.ServerInfo#sharedLockThatNeedNotWait()}),
     *                            empty on MySQL 5.7
     * @param rowLockBudget       how long a chunk whose rows are partly held by other transactions
     *                            may hold the others while it waits for them (writers that ask for
     *                            those rows wait as long); then it lets go and tries again
     */
    public ChunkCopier(String schema, String original, String ghost, ColumnMapping mapping, ConflictClause clause,
                       ConflictResolver resolver, Optional<String> lockThatNeedNotWait, Duration rowLockBudget) {
        this.schema = schema;
        this.original = original;
        this.ghost = ghost;
        this.mapping = mapping;
        this.keyIndex = mapping.originalKey().name();
        this.clause = clause;
        this.resolver = resolver;
        this.lockThatNeedNotWait = lockThatNeedNotWait;
        this.rowLockBudget = rowLockBudget;
    }

    /** The highest key now in the table, read with a locking read; empty for an empty table. */
    public Optional<List<Object>> upperBound(Connection connection) throws SQLException {
        String sql = "SELECT " + Sql.columnList(mapping.originalKeyNames()) + " FROM " + Sql.qualified(schema, original)
                + " FORCE INDEX (" + Sql.quote(keyIndex) + ") ORDER BY " + orderBy(" DESC") + " LIMIT 1 LOCK IN SHARE MODE";
        // In autocommit mode, as the chunk copy: the read's locks end with the statement.
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? Optional.of(readKey(row)) : Optional.empty();
        }
    }

    /**
     * The key of the last row of the next chunk: the {@code chunkSize}-th row after
     * {@code lowerExclusive} (null: from the start), never past {@code upperInclusive}; empty when
     * no row is left. A plain read: the chunk's rows are read again, with locks, when it is copied.
     */
    public Optional<List<Object>> nextChunkEnd(Connection connection, List<Object> lowerExclusive,
                                               List<Object> upperInclusive, int chunkSize) throws SQLException {
        return Optional.ofNullable(chunkEnd(connection, lowerExclusive, upperInclusive, chunkSize));
    }

    /**
     * Copies the rows after {@code lowerExclusive} (null: from the start) up to and including
     * {@code end}; returns the rows written.
     *
     * <p>One statement in autocommit mode, so it commits as it ends and no transaction outlives
     * it: a session lost just after it (a KILL that MySQL 5.7 leaves waiting for the next command,
     * a client that dies) holds no locks on the original's rows, where an open transaction would
     * keep the application's writers waiting until the server ends the session.
     */
    public int copyRange(Connection connection, List<Object> lowerExclusive, List<Object> end)
            throws SQLException, InterruptedException {
        String lock = lockThatNeedNotWait.map(clause -> clause + " NOWAIT").orElse("LOCK IN SHARE MODE");
        connection.setAutoCommit(true);
        try (PreparedStatement statement = prepare(connection, copySql(lowerExclusive != null, lock), lowerExclusive, end)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            if (lockThatNeedNotWait.isPresent() && TransientErrors.isLockNotGranted(e)) {
                OptionalInt copied = copyPastLockedRows(connection, lowerExclusive, end);
                if (copied.isPresent()) {
                    return copied.getAsInt();
                }
            } else if (!clause.isConflict(e)) {
                throw e;
            }
        }
        // The failed statement was rolled back whole; the rare chunk with a unique-key conflict is
        // copied row by row in one transaction.
        connection.setAutoCommit(false);
        try {
            int rows = copyRowByRow(connection, lowerExclusive, end);
            connection.commit();
            return rows;
        } catch (SQLException e) {
            TransactionCleanup.rollback(connection, e);
            throw e;
        } finally {
            TransactionCleanup.restoreAutoCommit(connection, true);
        }
    }

    /**
     * Deletes the ghost table's rows with keys after {@code lowerExclusive} (null: from the start)
     * up to {@code upperInclusive}, in statements of at most {@value #CLEARED_PER_STATEMENT} rows;
     * returns how many. For a migration key of one integer column in both tables (the ghost's key
     * column compares with the original's key values).
     */
    public long clearGhostRange(Connection connection, List<Object> lowerExclusive, List<Object> upperInclusive)
            throws SQLException {
        String key = Sql.quote(mapping.ghostKeyNames().get(0));
        String sql = "DELETE FROM " + Sql.qualified(schema, ghost) + " WHERE " + (lowerExclusive == null ? "" : key + " > ? AND ")
                + key + " <= ? ORDER BY " + key + " LIMIT " + CLEARED_PER_STATEMENT;
        connection.setAutoCommit(true);
        long deleted = 0;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            if (lowerExclusive != null) {
                statement.setObject(index++, lowerExclusive.get(0));
            }
            statement.setObject(index, upperInclusive.get(0));
            int rows;
            do {
                rows = statement.executeUpdate();
                deleted += rows;
            } while (rows == CLEARED_PER_STATEMENT);
        }
        return deleted;
    }

    /**
     * Copies a chunk whose statement found a row locked (on MariaDB, whose {@code NOWAIT} covers
     * every lock of the statement, possibly a ghost row the binlog applier is writing). In one
     * REPEATABLE READ transaction, the chunk's rows and the gaps between them are locked on the
     * original without ever waiting inside the server (see {@link WaitFreeRowLocks}); then the copy
     * statement finds nothing of the original left to wait for, and waits only for ghost rows the
     * applier holds, as any chunk does. A try that cannot lock every row within the row lock
     * budget rolls back, so writers waiting for its rows go on, and the next try follows. Empty if
     * a row collides on a unique key (nothing was copied; the caller copies row by row).
     */
    private OptionalInt copyPastLockedRows(Connection connection, List<Object> lowerExclusive, List<Object> end)
            throws SQLException, InterruptedException {
        String lockClause = lockThatNeedNotWait.orElseThrow();
        String lockRows = "SELECT " + Sql.columnList(mapping.originalKeyNames()) + " FROM " + Sql.qualified(schema, original)
                + " FORCE INDEX (" + Sql.quote(keyIndex) + ") WHERE " + range(lowerExclusive != null) + " " + lockClause;
        long started = System.nanoTime();
        int isolation = connection.getTransactionIsolation();
        for (int attempt = 1; ; attempt++) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // gap locks keep inserts out
            try {
                if (WaitFreeRowLocks.lockEveryRow(connection, lockRows, statement -> bindRange(statement, lowerExclusive, end),
                        rowLockBudget)) {
                    int rows;
                    try (PreparedStatement copy = prepare(connection, copySql(lowerExclusive != null, lockClause), lowerExclusive, end)) {
                        rows = copy.executeUpdate();
                    }
                    connection.commit();
                    log.debug("A chunk of `{}` whose rows other transactions held was copied at try {}, {} ms after its first",
                            original, attempt, Duration.ofNanos(System.nanoTime() - started).toMillis());
                    return OptionalInt.of(rows);
                }
                connection.rollback();
            } catch (SQLException e) {
                TransactionCleanup.rollback(connection, e);
                if (clause.isConflict(e)) {
                    return OptionalInt.empty();
                }
                throw e;
            } finally {
                TransactionCleanup.restoreIsolation(connection, isolation);
                TransactionCleanup.restoreAutoCommit(connection, true);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            if (waited.compareTo(GIVE_UP_ON_LOCKED_ROWS_AFTER) >= 0) {
                throw WaitFreeRowLocks.rowsStayedLocked("copying a chunk of `" + original + "`", waited);
            }
            Thread.sleep(Math.min(1_000, 10L * attempt * attempt)); // writers waiting for the rows go first
        }
    }

    /** The chunk's copy statement, its read of the original ending in {@code lock}. */
    private String copySql(boolean fromLowerBound, String lock) {
        return "INSERT INTO " + Sql.qualified(schema, ghost) + " (" + Sql.columnList(mapping.ghostNames()) + ") SELECT "
                + mapping.selectList() + " FROM " + Sql.qualified(schema, original) + " FORCE INDEX (" + Sql.quote(keyIndex) + ")"
                + " WHERE " + range(fromLowerBound) + " " + lock + clause.keepExisting();
    }

    private PreparedStatement prepare(Connection connection, String sql, List<Object> lowerExclusive, List<Object> end)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            bindRange(statement, lowerExclusive, end);
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    private void bindRange(PreparedStatement statement, List<Object> lowerExclusive, List<Object> end) throws SQLException {
        int index = 1;
        if (lowerExclusive != null) {
            index = bind(statement, index, lowerExclusive);
        }
        bind(statement, index, end);
    }

    /**
     * Copies the rows of a chunk one by one, each in its current state: those that collide with
     * another row on a unique key are held instead. Returns the rows copied.
     */
    private int copyRowByRow(Connection connection, List<Object> lowerExclusive, List<Object> end)
            throws SQLException, InterruptedException {
        List<List<Object>> keys = new ArrayList<>();
        String sql = "SELECT " + Sql.columnList(mapping.originalKeyNames()) + " FROM " + Sql.qualified(schema, original)
                + " FORCE INDEX (" + Sql.quote(keyIndex) + ") WHERE " + range(lowerExclusive != null);
        try (PreparedStatement statement = prepare(connection, sql, lowerExclusive, end);
             ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                keys.add(readKey(row));
            }
        }
        return resolver.writeOrHold(connection, keys.stream().map(RowKey::plain).toList());
    }

    /** The key of the last row of the next chunk: the chunkSize-th row after the lower bound, capped. */
    private List<Object> chunkEnd(Connection connection, List<Object> lowerExclusive, List<Object> upperInclusive,
                                  int chunkSize) throws SQLException {
        String keys = Sql.columnList(mapping.originalKeyNames());
        String where = lowerExclusive == null ? rowOf(mapping.originalKeyNames()) + " <= " + placeholders()
                : rowOf(mapping.originalKeyNames()) + " > " + placeholders() + " AND " + rowOf(mapping.originalKeyNames())
                        + " <= " + placeholders();
        String sql = "SELECT " + keys + " FROM (SELECT " + keys + " FROM " + Sql.qualified(schema, original)
                + " FORCE INDEX (" + Sql.quote(keyIndex) + ") WHERE " + where + " ORDER BY " + orderBy("")
                + " LIMIT ?) chunk ORDER BY " + orderBy(" DESC") + " LIMIT 1";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            if (lowerExclusive != null) {
                index = bind(statement, index, lowerExclusive);
            }
            index = bind(statement, index, upperInclusive);
            statement.setInt(index, chunkSize);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? readKey(row) : null;
            }
        }
    }

    private String range(boolean hasLower) {
        String key = rowOf(mapping.originalKeyNames());
        return (hasLower ? key + " > " + placeholders() + " AND " : "") + key + " <= " + placeholders();
    }

    private String orderBy(String direction) {
        List<String> parts = new ArrayList<>();
        for (String column : mapping.originalKeyNames()) {
            parts.add(Sql.quote(column) + direction);
        }
        return String.join(", ", parts);
    }

    private static String rowOf(List<String> columns) {
        return "(" + Sql.columnList(columns) + ")";
    }

    private String placeholders() {
        return "(" + String.join(", ", Collections.nCopies(mapping.key().size(), "?")) + ")";
    }

    /**
     * Key values as the server will compare them again: temporal values as their text (a Java
     * date type would pass through the JVM's time zone), everything else as the driver's natural
     * type (numbers, byte arrays for binary strings, strings).
     */
    private List<Object> readKey(ResultSet row) throws SQLException {
        List<Object> key = new ArrayList<>();
        for (int i = 1; i <= mapping.key().size(); i++) {
            String type = mapping.key().get(i - 1).original().dataType();
            boolean temporal = TEMPORAL_TYPES.contains(type);
            key.add(temporal ? row.getString(i) : row.getObject(i));
        }
        return key;
    }

    private static int bind(PreparedStatement statement, int index, List<Object> values) throws SQLException {
        for (Object value : values) {
            statement.setObject(index++, value);
        }
        return index;
    }
}
