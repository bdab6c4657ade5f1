package dev.umbra.engine.cutover;

import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.HelperTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Where a cut-over stopped whose run died in it (its process killed, its node lost), read from
 * which of the table's names exist, under the table's migration lock, so that no live run is
 * changing them meanwhile. Each cut-over renames in one statement, except the two-step one, whose
 * moment between its two renames is the one state without the table.
 */
public final class InterruptedCutOver {

    /** What the names say. */
    public enum Outcome {
        /** The original and the ghost table are in place: no swap happened, the run can resume. */
        NOT_SWAPPED,
        /** The new table has the name and the original is the old table: the migration is done. */
        SWAPPED,
        /** Between a two-step cut-over's renames: the table's name is free, the original is the old table. */
        ORIGINAL_RENAMED,
        /** Any other combination: a person changed the tables meanwhile. */
        UNCLEAR
    }

    private final String schema;
    private final String table;
    private final HelperTables helpers;

    public InterruptedCutOver(TableName table) {
        this.schema = table.schema();
        this.table = table.name();
        this.helpers = HelperTables.forTable(table.name());
    }

    /**
     * Takes the migration lock on {@code session} (held until the session ends) and reads the outcome.
     *
     * @throws TableInUseException another run holds the lock: it may still be renaming
     */
    public Outcome examine(Connection session) throws SQLException, TableInUseException {
        MigrationLock.acquire(session, new TableName(schema, table));
        Set<String> present = existing(session);
        boolean original = present.contains(table);
        boolean ghost = present.contains(helpers.ghost());
        boolean old = present.contains(helpers.old());
        if (original && ghost && !old) {
            return Outcome.NOT_SWAPPED;
        }
        if (original && !ghost && old) {
            return Outcome.SWAPPED;
        }
        if (!original && ghost && old) {
            return Outcome.ORIGINAL_RENAMED;
        }
        return Outcome.UNCLEAR;
    }

    /**
     * After {@link Outcome#SWAPPED}: drops what the run would have dropped after its cut-over (the
     * changelog and checkpoint tables, the attempt's guard tables, and the old table if asked), on the
     * session that holds the lock.
     */
    public void finishSwapped(Connection session, boolean dropOldTable) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, helpers.changelog()));
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, helpers.checkpoint()));
            if (dropOldTable) {
                statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, helpers.old()));
            }
        }
        dropLeftoverGuards(session);
    }

    /**
     * Drops the guard tables of a two-session cut-over attempt that died midway (they are the
     * table's, fixed names: no other run's while this one holds the migration lock).
     */
    public void dropLeftoverGuards(Connection session) throws SQLException {
        try (Statement statement = session.createStatement()) {
            for (String guard : HelperTables.cutOverGuards(table)) {
                statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, guard));
            }
        }
    }

    /** The statement that puts the original back after {@link Outcome#ORIGINAL_RENAMED}. */
    public String putOriginalBack() {
        return "RENAME TABLE " + Sql.qualified(schema, helpers.old()) + " TO " + Sql.qualified(schema, table);
    }

    public HelperTables helpers() {
        return helpers;
    }

    private Set<String> existing(Connection session) throws SQLException {
        Set<String> present = new HashSet<>();
        try (PreparedStatement statement = session.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?, ?)")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            statement.setString(3, helpers.ghost());
            statement.setString(4, helpers.old());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    present.add(row.getString(1));
                }
            }
        }
        return present;
    }
}
