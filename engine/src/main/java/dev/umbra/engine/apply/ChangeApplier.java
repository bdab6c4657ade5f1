package dev.umbra.engine.apply;

import dev.umbra.engine.binlog.RowChange;
import dev.umbra.engine.binlog.RowImageConverter;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.sql.TransactionCleanup;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import dev.umbra.engine.unique.ConflictClause;
import dev.umbra.engine.unique.HeldRows;
import dev.umbra.engine.unique.RowKey;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies binlog row images of the original table to the ghost table: a batch of changes in one
 * transaction, in few statements.
 *
 * <p>Within a batch only each row's final state matters, so changes are folded per migration key
 * (gh-ost applies one statement per event, which is why it never finished under heavy writes:
 * failure mode 3). An update that changes the key removes the old key and writes the new one. Rows
 * that end up gone are deleted first, then every surviving row is written whole with
 * {@code INSERT ... ON DUPLICATE KEY UPDATE}, which overwrites an older copy of the row that the
 * chunk copy may have put there.
 *
 * <p>Not {@code REPLACE}: it deletes every row that collides on <em>any</em> unique key, so a row
 * whose new image duplicates another row's value on a unique key the ALTER adds would silently
 * push that other row out (gh-ost's failure mode 2). The {@link ConflictClause} overwrites only
 * the row of the same migration key and fails on any other collision; the batch is then written
 * again row by row, and rows that collide are held (see {@link HeldRows}) instead of written.
 *
 * <p>The overwrite finds the older copy only through a unique key of the ghost table. When the ALTER
 * widened the migration key (say {@code DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)}), an update of
 * {@code b} does not collide with the ghost row of the same {@code id}, and would add a second
 * row; then surviving rows are deleted by migration key too before they are written.
 */
public final class ChangeApplier {

    private static final int ROWS_PER_STATEMENT = 200;

    private final String qualifiedGhost;
    private final ColumnMapping mapping;
    private final RowImageConverter converter;
    private final ConflictClause clause;
    private final HeldRows held;
    private final ParentCascades cascades;
    private final FoldedChanges folding;
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong leftToTheCopy = new AtomicLong();
    private final CopyFrontier frontier;
    /** The migration key's place in the row images where the copy frontier applies to it; -1 where it does not. */
    private final int frontierKey;
    /** Whether some written column's values need SQL of their own (see {@link #upsert}). */
    private final boolean bindsEachRow;

    public ChangeApplier(String schema, String ghost, ColumnMapping mapping, RowImageConverter converter,
                         ConflictClause clause, HeldRows held) {
        this(schema, ghost, mapping, converter, clause, held, ParentCascades.NONE, new CopyFrontier());
    }

    /**
     * @param cascades what parents' changes (among {@code changes}) do to the ghost through cascading foreign keys
     * @param frontier the keys the copy will still read, whose changes are left to it (a migration key of one
     *                 integer column in both tables only)
     */
    public ChangeApplier(String schema, String ghost, ColumnMapping mapping, RowImageConverter converter,
                         ConflictClause clause, HeldRows held, ParentCascades cascades, CopyFrontier frontier) {
        this.cascades = cascades;
        this.frontier = frontier;
        this.frontierKey = CopyFrontier.keyIndex(mapping);
        this.folding = new FoldedChanges(mapping.key().stream().map(MappedColumn::originalIndex).toList());
        this.bindsEachRow = mapping.columns().stream().anyMatch(column -> converter.bindsEachValue(column.originalIndex()));
        this.qualifiedGhost = Sql.qualified(schema, ghost);
        this.mapping = mapping;
        this.converter = converter;
        this.clause = clause;
        this.held = held;
    }

    /**
     * Applies the changes in order; returns rows written or deleted and cascades made. The
     * original's changes between two parents' changes are folded and written in one transaction,
     * each run of parents' changes is made in one more: folding across a parent's change would
     * move a row's change to the wrong side of a cascade. Applying the whole list again after a
     * failure part-way leaves the same rows, as replaying from an earlier position does.
     */
    public int apply(Connection connection, List<RowChange> changes) throws SQLException {
        int applied = 0;
        List<RowChange> rows = new ArrayList<>();
        List<RowChange> parents = new ArrayList<>();
        for (RowChange change : changes) {
            boolean parent = cascades.isParentChange(change);
            List<RowChange> other = parent ? rows : parents;
            if (!other.isEmpty()) {
                applied += parent ? applyRows(connection, other) : applyCascades(connection, other);
                other.clear();
            }
            (parent ? parents : rows).add(change);
        }
        applied += rows.isEmpty() ? 0 : applyRows(connection, rows);
        applied += parents.isEmpty() ? 0 : applyCascades(connection, parents);
        return applied;
    }

    /**
     * The changes as at most {@code parts} lists over disjoint migration keys, to be applied on as
     * many sessions at once: each list holds the final states of a run of keys next to each other
     * in the batch's key order (so that two sessions rarely meet at the gap between their rows),
     * as deletes and inserts that fold to the same states. One list, the changes as they are, where
     * they must be applied as one transaction (a parent's change cascades into rows of any key), or
     * where the ghost may hold two rows of one key (a surviving row is deleted by key first), or
     * where the batch is too small for more than one statement per list.
     */
    public List<List<RowChange>> split(List<RowChange> changes, int parts) {
        if (parts < 2 || changes.size() < 2 * ROWS_PER_STATEMENT || !mapping.keyUniqueInGhost()
                || changes.stream().anyMatch(cascades::isParentChange)) {
            return List.of(changes);
        }
        List<FoldedChanges.FinalState> states = notLeftToTheCopy(folding.fold(changes), false);
        int lists = Math.min(parts, states.size() / ROWS_PER_STATEMENT);
        if (lists < 2) {
            return List.of(changes);
        }
        String table = changes.get(0).table();
        List<List<RowChange>> split = new ArrayList<>(lists);
        for (int list = 0; list < lists; list++) {
            List<RowChange> slice = new ArrayList<>();
            for (FoldedChanges.FinalState state : states.subList(list * states.size() / lists, (list + 1) * states.size() / lists)) {
                slice.add(state.gone() ? new RowChange(RowChange.Kind.DELETE, table, state.keyImage(), null)
                        : new RowChange(RowChange.Kind.INSERT, table, null, state.row()));
            }
            split.add(slice);
        }
        return split;
    }

    /** Final row states not written because the copy had not reached their keys yet. */
    public long leftToTheCopy() {
        return leftToTheCopy.get();
    }

    /** The INSERT and DELETE statements run so far, on every session. */
    public long statements() {
        return statements.get();
    }

    /**
     * The states whose keys the copy has reached (see {@link CopyFrontier}); the others are left out,
     * and counted where they are left out for good (a split only sizes its slices by them).
     */
    private List<FoldedChanges.FinalState> notLeftToTheCopy(List<FoldedChanges.FinalState> states, boolean count) {
        if (frontierKey < 0) {
            return states;
        }
        List<FoldedChanges.FinalState> kept = new ArrayList<>(states.size());
        for (FoldedChanges.FinalState state : states) {
            Object key = converter.toJdbc(frontierKey, state.keyImage()[frontierKey]);
            if (key instanceof Number number && frontier.notReachedYet(number)) {
                if (count) {
                    leftToTheCopy.incrementAndGet();
                }
            } else {
                kept.add(state);
            }
        }
        return kept;
    }

    private int applyCascades(Connection connection, List<RowChange> parentChanges) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            int statements = cascades.apply(connection, parentChanges);
            connection.commit();
            return statements;
        } catch (SQLException e) {
            TransactionCleanup.rollback(connection, e);
            throw e;
        } catch (RuntimeException e) {
            TransactionCleanup.rollback(connection, new SQLException(e.getMessage(), e));
            throw e;
        } finally {
            TransactionCleanup.restoreAutoCommit(connection, autoCommit);
        }
    }

    /** Applies the original's changes, folded, as one transaction on {@code connection}. */
    private int applyRows(Connection connection, List<RowChange> changes) throws SQLException {
        List<Serializable[]> deletes = new ArrayList<>();
        List<Serializable[]> upserts = new ArrayList<>();
        for (FoldedChanges.FinalState state : notLeftToTheCopy(folding.fold(changes), true)) {
            if (state.gone() || !mapping.keyUniqueInGhost()) {
                deletes.add(state.keyImage());
            }
            if (!state.gone()) {
                upserts.add(state.row());
            }
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try {
                deleteAll(connection, deletes);
                for (int from = 0; from < upserts.size(); from += ROWS_PER_STATEMENT) {
                    upsert(connection, upserts.subList(from, Math.min(upserts.size(), from + ROWS_PER_STATEMENT)));
                }
                connection.commit();
            } catch (SQLException e) {
                TransactionCleanup.rollback(connection, e);
                if (!clause.isConflict(e)) {
                    throw e;
                }
                applyRowByRow(connection, deletes, upserts);
            }
        } catch (SQLException e) {
            TransactionCleanup.rollback(connection, e);
            throw e;
        } finally {
            TransactionCleanup.restoreAutoCommit(connection, autoCommit);
        }
        return deletes.size() + upserts.size();
    }

    /**
     * The batch again (within one transaction), a failing statement split in halves down to single
     * rows, pass after pass while passes write rows (a row may collide only with another row's
     * older state that a later row of the batch replaces). Rows that still collide with another
     * row on a unique key are held instead of written (and their older state removed), so that
     * the rest of the batch is applied.
     */
    private void applyRowByRow(Connection connection, List<Serializable[]> deletes, List<Serializable[]> upserts)
            throws SQLException {
        deleteAll(connection, deletes);
        List<Serializable[]> pending = upserts;
        Map<RowKey, String> collided = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            collided.clear();
            List<Serializable[]> again = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += ROWS_PER_STATEMENT) {
                again.addAll(upsertOrSplit(connection, pending.subList(from, Math.min(pending.size(),
                        from + ROWS_PER_STATEMENT)), collided));
            }
            if (again.size() == pending.size()) {
                break;
            }
            pending = again;
        }
        connection.commit();
        collided.forEach(held::hold);
    }

    /** Writes the rows, or, on a collision, each half on its own; returns the rows that collided. */
    private List<Serializable[]> upsertOrSplit(Connection connection, List<Serializable[]> rows,
                                               Map<RowKey, String> collided) throws SQLException {
        Savepoint before = connection.setSavepoint();
        try {
            upsert(connection, rows);
            connection.releaseSavepoint(before);
            return List.of();
        } catch (SQLException e) {
            if (!clause.isConflict(e)) {
                throw e;
            }
            connection.rollback(before);
            if (rows.size() == 1) {
                // Its older state leaves the ghost too: held rows must not block the values they held.
                delete(connection, rows);
                collided.put(rowKey(rows.get(0)), e.getMessage());
                return rows;
            }
            int half = rows.size() / 2;
            List<Serializable[]> failed = new ArrayList<>(upsertOrSplit(connection, rows.subList(0, half), collided));
            failed.addAll(upsertOrSplit(connection, rows.subList(half, rows.size()), collided));
            return failed;
        }
    }

    /** The row's migration key as the ghost and the original take it. */
    private RowKey rowKey(Serializable[] row) {
        List<Object> values = new ArrayList<>();
        List<String> ghostPlaceholders = new ArrayList<>();
        List<String> originalPlaceholders = new ArrayList<>();
        for (MappedColumn column : mapping.key()) {
            values.add(converter.toJdbc(column.originalIndex(), row[column.originalIndex()]));
            ghostPlaceholders.add(mapping.storedAs(column, converter.comparedWith(column.originalIndex(), column.ghost())));
            originalPlaceholders.add(converter.comparedWith(column.originalIndex(), column.original()));
        }
        return new RowKey(values, ghostPlaceholders, originalPlaceholders);
    }

    private void deleteAll(Connection connection, List<Serializable[]> deletes) throws SQLException {
        for (int from = 0; from < deletes.size(); from += ROWS_PER_STATEMENT) {
            delete(connection, deletes.subList(from, Math.min(deletes.size(), from + ROWS_PER_STATEMENT)));
        }
    }

    private void delete(Connection connection, List<Serializable[]> rows) throws SQLException {
        List<String> tuples = new ArrayList<>();
        String tuple = "(" + String.join(", ", mapping.key().stream()
                .map(k -> mapping.storedAs(k, converter.comparedWith(k.originalIndex(), k.ghost()))).toList()) + ")";
        for (int i = 0; i < rows.size(); i++) {
            tuples.add(tuple);
        }
        String sql = "DELETE FROM " + qualifiedGhost + " WHERE (" + Sql.columnList(mapping.ghostKeyNames()) + ") IN ("
                + String.join(", ", tuples) + ")";
        statements.incrementAndGet();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            for (Serializable[] row : rows) {
                for (MappedColumn column : mapping.key()) {
                    statement.setObject(index++, converter.toJdbc(column.originalIndex(), row[column.originalIndex()]));
                }
            }
            statement.executeUpdate();
        }
    }

    /**
     * One multi-row INSERT. A MySQL JSON document is rebuilt value for value ({@link
     * RowImageConverter#bind}), so its SQL differs from row to row; every other value takes the
     * column's one placeholder, and a table without such columns builds its tuple once.
     */
    private void upsert(Connection connection, List<Serializable[]> rows) throws SQLException {
        List<String> tuples = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        String sharedTuple = bindsEachRow ? null : "(" + String.join(", ", mapping.columns().stream()
                .map(c -> mapping.storedAs(c, converter.placeholder(c.originalIndex()))).toList()) + ")";
        for (Serializable[] row : rows) {
            List<String> values = bindsEachRow ? new ArrayList<>() : null;
            for (MappedColumn column : mapping.columns()) {
                int index = column.originalIndex();
                if (bindsEachRow && converter.bindsEachValue(index)) {
                    RowImageConverter.Bound bound = converter.bind(index, row[index]);
                    values.add(mapping.storedAs(column, bound.sql()));
                    parameters.addAll(bound.parameters());
                } else {
                    if (bindsEachRow) {
                        values.add(mapping.storedAs(column, converter.placeholder(index)));
                    }
                    parameters.add(converter.toJdbc(index, row[index]));
                }
            }
            tuples.add(bindsEachRow ? "(" + String.join(", ", values) + ")" : sharedTuple);
        }
        String sql = "INSERT INTO " + qualifiedGhost + " (" + Sql.columnList(mapping.ghostNames()) + ") VALUES "
                + String.join(", ", tuples) + clause.overwrite();
        statements.incrementAndGet();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            statement.executeUpdate();
        }
    }
}
