package dev.umbra.engine.table;

import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.sql.Sql;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which original columns are copied into which ghost columns, and the migration key that chunks
 * the copy and identifies rows when binlog changes are applied.
 *
 * <p>Dropped columns are not copied. Generated columns of the ghost are never written: the server
 * computes them; one that both tables generate alike may still be part of the key, which then has
 * a column that {@link #columns()} lacks. A renamed column ({@code CHANGE old new}, {@code RENAME COLUMN}) is copied under
 * its new name.
 *
 * @param keyUniqueInGhost whether a unique key of the ghost table lies within the key's (ghost)
 *                         columns, so that writing a row replaces the ghost row with the same key.
 *                         False when the ALTER widens or drops that key (e.g. {@code DROP PRIMARY
 *                         KEY, ADD PRIMARY KEY (id, b)}): a row whose {@code b} changed would then
 *                         be added beside the old one, so the applier must delete by key first.
 */
public record ColumnMapping(List<MappedColumn> columns, List<MappedColumn> key, UniqueKey originalKey,
                            boolean keyUniqueInGhost, TemporalZone zone) {

    /** With TIMESTAMP and DATETIME values moved between each other in UTC. */
    public static ColumnMapping build(TableSchema original, TableSchema ghost, ParsedAlter alter) throws ShapeException {
        return build(original, ghost, alter, TemporalZone.UTC);
    }

    /**
     * @param zone the time zone in which values move between TIMESTAMP and DATETIME columns, as the
     *             server's own ALTER run in that zone moves them
     */
    public static ColumnMapping build(TableSchema original, TableSchema ghost, ParsedAlter alter, TemporalZone zone)
            throws ShapeException {
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
            List<MappedColumn> keyColumns = keyColumns(candidate, mapped, original, ghost, alter);
            if (keyColumns != null) {
                return new ColumnMapping(List.copyOf(mapped), keyColumns, candidate, uniqueWithin(ghost, keyColumns), zone);
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

    private static List<MappedColumn> keyColumns(UniqueKey key, List<MappedColumn> mapped, TableSchema original,
                                                 TableSchema ghost, ParsedAlter alter) {
        List<MappedColumn> result = new ArrayList<>();
        for (String name : key.columns()) {
            Optional<MappedColumn> column = mapped.stream().filter(m -> m.original().nameEquals(name)).findFirst();
            if (column.isEmpty()) {
                column = generatedInBoth(name, mapped, original, ghost, alter);
            }
            if (column.isEmpty()) {
                return null;
            }
            result.add(column.get());
        }
        return List.copyOf(result);
    }

    /**
     * A key column that neither copy nor applier writes, because the server generates it in both
     * tables: it still identifies rows (the applier compares its values, which the binlog carries,
     * and the copy orders and bounds chunks by it) as long as both tables compute the same value. So
     * the expression and type must be unchanged, and no column the expression reads may change type.
     */
    private static Optional<MappedColumn> generatedInBoth(String name, List<MappedColumn> mapped, TableSchema original,
                                                          TableSchema ghost, ParsedAlter alter) {
        Optional<Column> source = original.column(name);
        if (source.isEmpty() || !source.get().generated() || alter.droppedColumns().contains(source.get().name())
                || alter.modifiedColumns().contains(source.get().name())) {
            return Optional.empty();
        }
        Optional<Column> target = ghost.column(alter.columnRenames().getOrDefault(source.get().name(), source.get().name()));
        if (target.isEmpty() || !source.get().sameGeneratedValueAs(target.get())) {
            return Optional.empty();
        }
        String expression = source.get().expression().toLowerCase(Locale.ROOT);
        boolean readsChangedColumn = mapped.stream()
                .filter(column -> !column.original().columnType().equalsIgnoreCase(column.ghost().columnType()))
                .anyMatch(column -> expression.contains(column.original().name().toLowerCase(Locale.ROOT)));
        if (readsChangedColumn) {
            return Optional.empty();
        }
        return Optional.of(new MappedColumn(source.get(), original.columns().indexOf(source.get()), target.get()));
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

    /**
     * {@code expression}, a value of {@code column} in the original (read in a UTC session), as the
     * ghost column stores it: shifted into {@link #zone()} where it moves between TIMESTAMP and
     * DATETIME, unchanged otherwise.
     */
    public String storedAs(MappedColumn column, String expression) {
        return zone.storedAs(column.original(), column.ghost(), expression);
    }

    /** Whether some copied column moves between TIMESTAMP and DATETIME, so that {@link #zone()} matters. */
    public boolean shiftsTemporalValues() {
        return columns.stream().anyMatch(column -> TemporalZone.shifts(column.original(), column.ghost()))
                || key.stream().anyMatch(column -> TemporalZone.shifts(column.original(), column.ghost()));
    }

    /**
     * The original's copied columns as the ghost's columns store them: the select list of every
     * {@code INSERT INTO ghost (ghostNames) SELECT ... FROM original}.
     */
    public String selectList() {
        return String.join(", ", columns.stream().map(column -> storedAs(column, Sql.quote(column.original().name()))).toList());
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

    /**
     * The mapping the other way: from the ghost's columns, as the new table has them after the
     * cut-over, back to the original's, as the old table keeps them. What keeps the old table in
     * step within a revert window. Its key is unique in the old table, where it was the original's.
     */
    public ColumnMapping inverse() {
        List<MappedColumn> back = columns.stream().map(ColumnMapping::reversed).toList();
        List<MappedColumn> backKey = key.stream().map(ColumnMapping::reversed).toList();
        UniqueKey newTableKey = new UniqueKey(originalKey.name(), ghostKeyNames(), false);
        return new ColumnMapping(back, backKey, newTableKey, true, zone);
    }

    private static MappedColumn reversed(MappedColumn column) {
        return new MappedColumn(column.ghost(), column.ghost().position() - 1, column.original());
    }

    /** Raised when the old and new shape do not allow an online migration. */
    public static final class ShapeException extends Exception {
        public ShapeException(String message) {
            super(message);
        }
    }
}
