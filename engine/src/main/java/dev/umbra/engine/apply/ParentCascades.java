package dev.umbra.engine.apply;

import dev.umbra.engine.binlog.RowChange;
import dev.umbra.engine.binlog.RowImageConverter;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.Column;
import dev.umbra.engine.table.TableSchema;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a parent's change does to the ghost table through the original's cascading foreign keys.
 *
 * <p>The server makes a cascade's changes to the child inside the storage engine and writes only
 * the parent's row change to the binary log. So when the parent's change comes through the
 * binlog, the same change is made to the ghost, at the parent change's place among the original's
 * own changes: {@code DELETE} the rows that pointed at a deleted parent row ({@code ON DELETE
 * CASCADE}), or {@code UPDATE} their key columns to NULL ({@code SET NULL}) or to the parent's new
 * values ({@code ON UPDATE CASCADE}), where they still hold the parent's old values.
 *
 * <p>A cascade leaves the child's {@code ON UPDATE CURRENT_TIMESTAMP} columns as they are (measured
 * on every server), so the UPDATE assigns each of them to itself, which keeps them too.
 *
 * <p>Why matching by the parent's old values is exact although the copy may have written a row's
 * later state: such a row matches wrongly only if it got those values after the parent's change.
 * Without {@code ON UPDATE CASCADE} only a logged change of the row itself can give it a parent's
 * values, and the applier writes that change's image later, which puts the row right. With
 * {@code ON UPDATE CASCADE} a cascade can give them too (a parent key renamed to one a deleted
 * parent had); the checksum before the cut-over compares every row once the applier has passed
 * the copy, so inspection requires it for such keys (see docs/engine.md).
 */
public final class ParentCascades {

    /** No cascading foreign keys: parents' changes never reach the applier. */
    public static final ParentCascades NONE = new ParentCascades("", Map.of(), List.of());

    private final String qualifiedGhost;
    private final Map<String, Parent> parents;
    private final List<String> autoUpdatedColumns;

    private ParentCascades(String qualifiedGhost, Map<String, Parent> parents, List<String> autoUpdatedColumns) {
        this.qualifiedGhost = qualifiedGhost;
        this.parents = parents;
        this.autoUpdatedColumns = autoUpdatedColumns;
    }

    /**
     * Reads the parents of the original's cascading keys (same schema: inspection refused others)
     * and the ghost's auto-updated columns.
     */
    public static ParentCascades load(Connection connection, String schema, String ghost, List<ForeignKey> keys)
            throws SQLException {
        List<ForeignKey> cascading = keys.stream().filter(ForeignKey::changesChildRows).toList();
        if (cascading.isEmpty()) {
            return NONE;
        }
        TableSchema ghostTable = TableSchema.read(connection, new TableName(schema, ghost))
                .orElseThrow(() -> new SQLException("the ghost table `" + ghost + "` is gone"));
        Map<String, Parent> parents = new LinkedHashMap<>();
        for (ForeignKey key : cascading) {
            Parent parent = parents.get(key.referencedTable());
            if (parent == null) {
                TableSchema table = TableSchema.read(connection, new TableName(schema, key.referencedTable()))
                        .orElseThrow(() -> new SQLException("the parent table `" + key.referencedTable() + "` is gone"));
                parent = new Parent(table, new RowImageConverter(table.columns()), new ArrayList<>());
                parents.put(key.referencedTable(), parent);
            }
            parent.keys().add(Link.of(key, parent.table(), ghostTable));
        }
        return new ParentCascades(Sql.qualified(schema, ghost), Map.copyOf(parents), autoUpdatedColumns(connection, new TableName(schema, ghost)));
    }

    /** The parent tables whose changes the binlog stream must bring. */
    public Set<String> parentTables() {
        return parents.keySet();
    }

    /** Whether the change is a parent's (and so must be applied here, in its place). */
    public boolean isParentChange(RowChange change) {
        return parents.containsKey(change.table());
    }

    /**
     * Makes the parents' changes to the ghost, in order, in the caller's transaction; returns how
     * many statements ran.
     */
    int apply(Connection connection, List<RowChange> parentChanges) throws SQLException {
        int statements = 0;
        for (RowChange change : parentChanges) {
            Parent parent = parents.get(change.table());
            parent.checkImage(change);
            for (Link link : parent.keys()) {
                statements += link.apply(connection, change, parent.converter(), qualifiedGhost, autoUpdatedColumns);
            }
        }
        return statements;
    }

    private static List<String> autoUpdatedColumns(Connection connection, TableName table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND UPPER(EXTRA) LIKE '%ON UPDATE%' ORDER BY ORDINAL_POSITION")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    columns.add(row.getString(1));
                }
            }
        }
        return List.copyOf(columns);
    }

    /** A parent table, the converter of its row images, and the original's keys that cascade from it. */
    private record Parent(TableSchema table, RowImageConverter converter, List<Link> keys) {

        /** Row images are positional: a parent whose columns changed since the start would be misread. */
        void checkImage(RowChange change) throws SQLException {
            Serializable[] image = change.before() != null ? change.before() : change.after();
            if (image.length != table.columns().size()) {
                throw new SQLException("the parent table `" + table.table() + "` of a cascading foreign key now has "
                        + image.length + " columns where it had " + table.columns().size() + " when the migration"
                        + " started, so its binlog row images can no longer be read; start the migration again");
            }
        }
    }

    /**
     * One cascading foreign key: the parent's referenced columns (their places in the parent's row
     * images) and the ghost's key columns, pairwise.
     */
    private record Link(ForeignKey key, List<Integer> parentIndexes, List<Column> ghostColumns) {

        static Link of(ForeignKey key, TableSchema parent, TableSchema ghost) throws SQLException {
            List<Integer> indexes = new ArrayList<>();
            List<Column> columns = new ArrayList<>();
            for (int i = 0; i < key.columns().size(); i++) {
                String referenced = key.referencedColumns().get(i);
                Column parentColumn = parent.column(referenced).orElseThrow(() -> new SQLException(
                        "the parent table `" + parent.table() + "` has no column `" + referenced + "`"));
                indexes.add(parent.columns().indexOf(parentColumn));
                String child = key.columns().get(i);
                columns.add(ghost.column(child).orElseThrow(() -> new SQLException(
                        "the ghost table has no column `" + child + "` of foreign key `" + key.name() + "`")));
            }
            return new Link(key, List.copyOf(indexes), List.copyOf(columns));
        }

        int apply(Connection connection, RowChange change, RowImageConverter converter, String qualifiedGhost,
                  List<String> autoUpdated) throws SQLException {
            switch (change.kind()) {
                case DELETE -> {
                    if (key.deleteCascades()) {
                        return delete(connection, change.before(), converter, qualifiedGhost);
                    }
                    if (key.deleteSetsNull()) {
                        return update(connection, change.before(), null, converter, qualifiedGhost, autoUpdated);
                    }
                }
                case UPDATE -> {
                    if (!referencedValuesChange(change)) {
                        return 0;
                    }
                    if (key.updateCascades()) {
                        return update(connection, change.before(), change.after(), converter, qualifiedGhost, autoUpdated);
                    }
                    if (key.updateSetsNull()) {
                        return update(connection, change.before(), null, converter, qualifiedGhost, autoUpdated);
                    }
                }
                case INSERT -> {
                    return 0;
                }
            }
            return 0;
        }

        /** The server cascades when the bytes of a referenced value change (a case-only change included). */
        private boolean referencedValuesChange(RowChange change) {
            for (int index : parentIndexes) {
                if (!Objects.equals(comparable(change.before()[index]), comparable(change.after()[index]))) {
                    return true;
                }
            }
            return false;
        }

        private static Object comparable(Serializable value) {
            return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
        }

        /** A row whose old values hold a NULL points at no parent row: nothing cascades to it. */
        private boolean pointsAtNothing(Serializable[] image) {
            return parentIndexes.stream().anyMatch(index -> image[index] == null);
        }

        private int delete(Connection connection, Serializable[] before, RowImageConverter converter, String qualifiedGhost)
                throws SQLException {
            if (pointsAtNothing(before)) {
                return 0;
            }
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + qualifiedGhost
                    + " WHERE " + matching(converter))) {
                bindMatch(statement, 1, before, converter);
                statement.executeUpdate();
            }
            return 1;
        }

        /** Sets the key columns to the parent's new values, or to NULL where {@code after} is null. */
        private int update(Connection connection, Serializable[] before, Serializable[] after, RowImageConverter converter,
                           String qualifiedGhost, List<String> autoUpdated) throws SQLException {
            if (pointsAtNothing(before)) {
                return 0;
            }
            List<String> assignments = new ArrayList<>();
            for (int i = 0; i < ghostColumns.size(); i++) {
                assignments.add(Sql.quote(ghostColumns.get(i).name()) + " = "
                        + (after == null ? "NULL" : converter.placeholder(parentIndexes.get(i))));
            }
            Set<String> keyColumns = ghostColumns.stream().map(column -> column.name().toLowerCase()).collect(Collectors.toSet());
            autoUpdated.stream().filter(column -> !keyColumns.contains(column.toLowerCase()))
                    .forEach(column -> assignments.add(Sql.quote(column) + " = " + Sql.quote(column)));
            try (PreparedStatement statement = connection.prepareStatement("UPDATE " + qualifiedGhost + " SET "
                    + String.join(", ", assignments) + " WHERE " + matching(converter))) {
                int next = 1;
                if (after != null) {
                    for (int index : parentIndexes) {
                        statement.setObject(next++, converter.toJdbc(index, after[index]));
                    }
                }
                bindMatch(statement, next, before, converter);
                statement.executeUpdate();
            }
            return 1;
        }

        /** Compared in each ghost column's own collation, whatever the connection's. */
        private String matching(RowImageConverter converter) {
            List<String> conditions = new ArrayList<>();
            for (int i = 0; i < ghostColumns.size(); i++) {
                conditions.add(Sql.quote(ghostColumns.get(i).name()) + " = "
                        + converter.comparedWith(parentIndexes.get(i), ghostColumns.get(i)));
            }
            return String.join(" AND ", conditions);
        }

        private void bindMatch(PreparedStatement statement, int first, Serializable[] before, RowImageConverter converter)
                throws SQLException {
            int next = first;
            for (int index : parentIndexes) {
                statement.setObject(next++, converter.toJdbc(index, before[index]));
            }
        }
    }
}
