package dev.umbra.engine.table;

/**
 * A column whose values move from the original table to the ghost table.
 *
 * @param original      the column in the original table
 * @param originalIndex its 0-based index in the original's column list (and in binlog row images)
 * @param ghost         the column it is written to in the ghost table (its name differs after
 *                      {@code CHANGE old new}, its type after {@code MODIFY})
 */
public record MappedColumn(Column original, int originalIndex, Column ghost) {

    /** An integer in both tables: its values, and their order, are the same numbers on either side. */
    public boolean integerInBoth() {
        return original.isInteger() && ghost.isInteger();
    }

    /** Its name in the ghost table. */
    public String ghostName() {
        return ghost.name();
    }
}
