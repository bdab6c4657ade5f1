package dev.umbra.engine.apply;

import dev.umbra.engine.binlog.RowChange;
import dev.umbra.engine.binlog.RowImageConverter;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies binlog row images of the original table to the ghost table: a batch of changes in one
 * transaction, in few statements.
 *
 * <p>Within a batch only each row's final state matters, so changes are folded per migration key
 * (gh-ost applies one statement per event, which is why it never finished under heavy writes:
 * failure mode 3). An update that changes the key removes the old key and writes the new one. Rows
 * that end up gone are deleted first, then every surviving row is written whole with REPLACE,
 * which also overwrites an older copy of the row the chunk copy may have put there.
 *
 * <p>REPLACE finds that older copy only through a unique key of the ghost table. When the ALTER
 * widened the migration key (say {@code DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)}), an update of
 * {@code b} does not collide with the ghost row of the same {@code id}, and REPLACE would add a
 * second row; then surviving rows are deleted by migration key too before they are written.
 */
public final class ChangeApplier {

    private static final int ROWS_PER_STATEMENT = 200;

    private final String qualifiedGhost;
    private final ColumnMapping mapping;
    private final RowImageConverter converter;

    public ChangeApplier(String schema, String ghost, ColumnMapping mapping, RowImageConverter converter) {
        this.qualifiedGhost = Sql.qualified(schema, ghost);
        this.mapping = mapping;
        this.converter = converter;
    }

    /** Applies the changes in order, as one transaction on {@code connection}; returns rows written or deleted. */
    public int apply(Connection connection, List<RowChange> changes) throws SQLException {
        Map<RowKey, Serializable[]> finalState = fold(changes);
        List<Serializable[]> deletes = new ArrayList<>();
        List<Serializable[]> upserts = new ArrayList<>();
        finalState.forEach((key, row) -> {
            if (row == null || !mapping.keyUniqueInGhost()) {
                deletes.add(key.image());
            }
            if (row != null) {
                upserts.add(row);
            }
        });
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            for (int from = 0; from < deletes.size(); from += ROWS_PER_STATEMENT) {
                delete(connection, deletes.subList(from, Math.min(deletes.size(), from + ROWS_PER_STATEMENT)));
            }
            for (int from = 0; from < upserts.size(); from += ROWS_PER_STATEMENT) {
                replace(connection, upserts.subList(from, Math.min(upserts.size(), from + ROWS_PER_STATEMENT)));
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return deletes.size() + upserts.size();
    }

    private Map<RowKey, Serializable[]> fold(List<RowChange> changes) {
        Map<RowKey, Serializable[]> finalState = new LinkedHashMap<>();
        for (RowChange change : changes) {
            switch (change.kind()) {
                case INSERT -> finalState.put(key(change.after()), change.after());
                case DELETE -> finalState.put(key(change.before()), null);
                case UPDATE -> {
                    RowKey before = key(change.before());
                    RowKey after = key(change.after());
                    if (!before.equals(after)) {
                        finalState.put(before, null);
                    }
                    finalState.put(after, change.after());
                }
            }
        }
        return finalState;
    }

    private void delete(Connection connection, List<Serializable[]> rows) throws SQLException {
        List<String> tuples = new ArrayList<>();
        String tuple = "(" + String.join(", ", mapping.key().stream().map(k -> converter.placeholder(k.originalIndex())).toList()) + ")";
        for (int i = 0; i < rows.size(); i++) {
            tuples.add(tuple);
        }
        String sql = "DELETE FROM " + qualifiedGhost + " WHERE (" + Sql.columnList(mapping.ghostKeyNames()) + ") IN ("
                + String.join(", ", tuples) + ")";
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

    private void replace(Connection connection, List<Serializable[]> rows) throws SQLException {
        String tuple = "(" + String.join(", ", mapping.columns().stream().map(c -> converter.placeholder(c.originalIndex())).toList()) + ")";
        List<String> tuples = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            tuples.add(tuple);
        }
        String sql = "REPLACE INTO " + qualifiedGhost + " (" + Sql.columnList(mapping.ghostNames()) + ") VALUES "
                + String.join(", ", tuples);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            for (Serializable[] row : rows) {
                for (MappedColumn column : mapping.columns()) {
                    statement.setObject(index++, converter.toJdbc(column.originalIndex(), row[column.originalIndex()]));
                }
            }
            statement.executeUpdate();
        }
    }

    private RowKey key(Serializable[] image) {
        Object[] values = new Object[mapping.key().size()];
        for (int i = 0; i < values.length; i++) {
            Serializable value = image[mapping.key().get(i).originalIndex()];
            values[i] = value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
        }
        return new RowKey(Arrays.asList(values), image);
    }

    /** The migration-key values of a row image, compared by content (byte arrays included). */
    private record RowKey(List<Object> values, Serializable[] image) {
        @Override
        public boolean equals(Object other) {
            return other instanceof RowKey key && values.equals(key.values);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }
}
