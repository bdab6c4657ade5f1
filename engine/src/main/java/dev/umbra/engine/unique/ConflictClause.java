package dev.umbra.engine.unique;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ON DUPLICATE KEY UPDATE} clauses with which the copy and the binlog applier write
 * rows into the ghost table, and the test for the error they raise.
 *
 * <p>A duplicate on the migration key is expected: the ghost already holds that row (a newer one
 * from the applier while copying, an older one while applying). A duplicate on any other unique
 * key means that the row would push out or be pushed out by a <em>different</em> row. gh-ost's
 * {@code INSERT IGNORE} and {@code REPLACE} drop one of the two silently (failure mode 2); here the
 * clause tells the two apart and turns the second case into an error, so no row is ever lost:
 *
 * <pre>{@code
 * ON DUPLICATE KEY UPDATE `sentinel` = IF(`k1` <=> VALUES(`k1`) AND ..., <keep or new value>, NULL)
 * }</pre>
 *
 * <p>The sentinel is a NOT NULL column of the ghost table (a key column where possible): in the
 * engine's strict sql_mode, assigning it NULL fails the statement with error 1048, naming it. A
 * conflict the server finds while updating the matched row's other unique columns fails with 1062.
 */
public final class ConflictClause {

    private static final int ER_DUP_ENTRY = 1062;
    private static final int ER_BAD_NULL_ERROR = 1048;

    private final ColumnMapping mapping;
    private final String qualifiedGhost;
    private final Optional<MappedColumn> sentinel;

    public ConflictClause(String schema, String ghost, ColumnMapping mapping) {
        this.mapping = mapping;
        this.qualifiedGhost = Sql.qualified(schema, ghost);
        this.sentinel = sentinelOf(mapping);
    }

    /**
     * A NOT NULL ghost column that the clause can set to NULL to raise an error: a key column if one
     * is NOT NULL in the ghost (the usual case), otherwise any written NOT NULL column.
     */
    public static Optional<MappedColumn> sentinelOf(ColumnMapping mapping) {
        // a generated column cannot be assigned, not even to raise an error
        Optional<MappedColumn> key = mapping.key().stream()
                .filter(column -> !column.ghost().nullable() && !column.ghost().generated()).findFirst();
        return key.isPresent() ? key : mapping.columns().stream().filter(column -> !column.ghost().nullable()).findFirst();
    }

    /**
     * For the chunk copy ({@code INSERT ... SELECT}): keep a row that has the same migration key,
     * fail on a duplicate of another row. Column names are qualified with the ghost table, since
     * the SELECT's table has columns of the same names.
     */
    public String keepExisting() {
        if (sentinel.isEmpty()) {
            // a no-op update of a written column (a generated key column could not be assigned)
            String written = qualified(mapping.ghostNames().get(0));
            return " ON DUPLICATE KEY UPDATE " + written + " = " + written;
        }
        String column = qualified(sentinel.get().ghostName());
        return " ON DUPLICATE KEY UPDATE " + column + " = IF(" + sameKey(true) + ", " + column + ", NULL)";
    }

    /**
     * For the applier ({@code INSERT ... VALUES}): overwrite a row that has the same migration key
     * with the new image, fail on a duplicate of another row.
     */
    public String overwrite() {
        List<String> assignments = new ArrayList<>();
        sentinel.ifPresent(column -> assignments.add(Sql.quote(column.ghostName()) + " = IF(" + sameKey(false) + ", VALUES("
                + Sql.quote(column.ghostName()) + "), NULL)"));
        for (MappedColumn column : mapping.columns()) {
            if (sentinel.isEmpty() || !column.equals(sentinel.get())) {
                assignments.add(Sql.quote(column.ghostName()) + " = VALUES(" + Sql.quote(column.ghostName()) + ")");
            }
        }
        return " ON DUPLICATE KEY UPDATE " + String.join(", ", assignments);
    }

    /** Whether this error is a row colliding with another row on a unique key of the ghost table. */
    public boolean isConflict(SQLException e) {
        if (e.getErrorCode() == ER_DUP_ENTRY) {
            return true;
        }
        return e.getErrorCode() == ER_BAD_NULL_ERROR && sentinel.isPresent() && e.getMessage() != null
                && e.getMessage().contains("'" + sentinel.get().ghostName() + "'");
    }

    private String sameKey(boolean qualify) {
        List<String> parts = new ArrayList<>();
        for (String key : mapping.ghostKeyNames()) {
            parts.add((qualify ? qualified(key) : Sql.quote(key)) + " <=> VALUES(" + Sql.quote(key) + ")");
        }
        return String.join(" AND ", parts);
    }

    private String qualified(String column) {
        return qualifiedGhost + "." + Sql.quote(column);
    }
}
