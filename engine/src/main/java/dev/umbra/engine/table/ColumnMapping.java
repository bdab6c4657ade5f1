package dev.umbra.engine.table;

import dev.umbra.engine.alter.ParsedAlter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which original columns are copied into which ghost columns, and the migration key that chunks
 * the copy and identifies rows when binlog changes are applied.
 *
 * <p>Dropped columns are not copied. Generated columns of the ghost are never written: the server
 * computes them. A renamed column ({@code CHANGE old new}, {@code RENAME COLUMN}) is copied under
 * its new name.
 */
public record ColumnMapping(List<MappedColumn> columns, List<MappedColumn> key, UniqueKey originalKey) {

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
            mapped.add(new MappedColumn(column, index, target.get().name()));
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
                return new ColumnMapping(List.copyOf(mapped), keyColumns, candidate);
            }
        }
        throw new ShapeException(original.uniqueKeys().stream().anyMatch(key -> !key.nullable())
                ? "No primary key or NOT NULL unique key of `" + original.table() + "` survives the ALTER unchanged;"
                        + " Umbra needs one shared by the old and new table to identify rows. Keep the key's columns"
                        + " (renaming them is fine)."
                : "`" + original.table() + "` has no primary key and no unique key over NOT NULL columns; Umbra needs"
                        + " one to copy rows in order and to apply changes to the right row. Add a primary key first.");
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
