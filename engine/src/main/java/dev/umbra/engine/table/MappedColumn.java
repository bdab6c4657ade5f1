package dev.umbra.engine.table;

/**
 * A column whose values move from the original table to the ghost table.
 *
 * @param original      the column in the original table
 * @param originalIndex its 0-based index in the original's column list (and in binlog row images)
 * @param ghostName     its name in the ghost table (differs after {@code CHANGE old new})
 */
public record MappedColumn(Column original, int originalIndex, String ghostName) {
}
