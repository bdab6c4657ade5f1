package dev.umbra.engine.table;

import dev.umbra.engine.alter.ParsedAlter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which original columns are copied into which ghost columns, and the migration key that chunks
 * the copy and identifies rows when binlog changes are applied.
 *
 * <p>Dropped columns are not copied. Generated columns of the ghost are never written: the server
 * computes them. A renamed column ({@code CHANGE old new}, {@code RENAME COLUMN}) is copied under
 * its new name.
 *
 * @param keyUniqueInGhost whether a unique key of the ghost table lies within the key's (ghost)
 *                         columns, so that writing a row replaces the ghost row with the same key.
 *                         False when the ALTER widens or drops that key (e.g. {@code DROP PRIMARY
 *                         KEY, ADD PRIMARY KEY (id, b)}): a row whose {@code b} changed would then
 *                         be added beside the old one, so the applier must delete by key first.
 */
public record ColumnMapping(List<MappedColumn> columns, List<MappedColumn> key, UniqueKey originalKey,
                            boolean keyUniqueInGhost) {

    public static ColumnMapping build(TableSchema original, TableSchema ghost, ParsedAlter alter) throws ShapeException {
        List<MappedColumn> mapped = new ArrayList<>();
        for (int index = 0; index < original.columns().size(); index++) {
            Column column = original.columns().get(index);
            String ghostName = alter.columnRenames().getOrDefault(column.name(), column.name());
            boolean droppedAndReAdded = alter.droppedColumns().contains(column.name())
                    && !alter.columnRenames().containsKey(column.name());
            Optional<Column> target = ghost.column(ghostName);
            if (droppedAndReAdded || target.isEmpty() || target.get().generated()) {
                continue;
            }
            mapped.add(new MappedColumn(column, index, target.get()));
        }
        if (mapped.isEmpty()) {
            throw new ShapeException("After the ALTER no column of `" + original.table()
                    + "` is left to copy. Umbra cannot migrate a table whose every column changes.");
        }
        for (UniqueKey candidate : original.uniqueKeys()) {
            if (candidate.nullable()) {
                continue;
            }
            List<MappedColumn> keyColumns = keyColumns(candidate, mapped);
            if (keyColumns != null) {
                return new ColumnMapping(List.copyOf(mapped), keyColumns, candidate, uniqueWithin(ghost, keyColumns));
            }
        }
        throw new ShapeException(original.uniqueKeys().stream().anyMatch(key -> !key.nullable())
                ? "No primary key or NOT NULL unique key of `" + original.table() + "` survives the ALTER unchanged;"
                        + " Umbra needs one shared by the old and new table to identify rows. Keep the key's columns"
                        + " (renaming them is fine)."
                : "`" + original.table() + "` has no primary key and no unique key over NOT NULL columns; Umbra needs"
                        + " one to copy rows in order and to apply changes to the right row. Add a primary key first.");
    }

    /**
     * Whether some unique key of the ghost uses only key columns: then two rows with the same key
     * values collide in it. Nullable and prefix keys count too, as key values are never NULL and
     * equal values have equal prefixes.
     */
    private static boolean uniqueWithin(TableSchema ghost, List<MappedColumn> keyColumns) {
        List<String> names = keyColumns.stream().map(MappedColumn::ghostName).toList();
        return ghost.uniqueKeys().stream().anyMatch(unique -> unique.columns().stream()
                .allMatch(column -> names.stream().anyMatch(column::equalsIgnoreCase)));
    }

    private static List<MappedColumn> keyColumns(UniqueKey key, List<MappedColumn> mapped) {
        List<MappedColumn> result = new ArrayList<>();
        for (String name : key.columns()) {
            Optional<MappedColumn> column = mapped.stream().filter(m -> m.original().nameEquals(name)).findFirst();
            if (column.isEmpty()) {
                return null;
            }
            result.add(column.get());
        }
        return List.copyOf(result);
    }

    /**
     * The ghost column that each non-key column is written to, by its index in the original. Key
     * columns are left out: their values also go into the applier's DELETE ... WHERE, where they
     * must compare as the original's values, whatever the ghost column's type.
     */
    public Map<Integer, Column> valueTargets() {
        Map<Integer, Column> targets = new HashMap<>();
        for (MappedColumn column : columns) {
            if (!key.contains(column)) {
                targets.put(column.originalIndex(), column.ghost());
            }
        }
        return Map.copyOf(targets);
    }

    public List<String> originalNames() {
        return columns.stream().map(m -> m.original().name()).toList();
    }

    public List<String> ghostNames() {
        return columns.stream().map(MappedColumn::ghostName).toList();
    }

    public List<String> originalKeyNames() {
        return key.stream().map(m -> m.original().name()).toList();
    }

    public List<String> ghostKeyNames() {
        return key.stream().map(MappedColumn::ghostName).toList();
    }

    /** Raised when the old and new shape do not allow an online migration. */
    public static final class ShapeException extends Exception {
        public ShapeException(String message) {
            super(message);
        }
    }
}
