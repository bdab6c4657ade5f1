package dev.umbra.engine.run;

import dev.umbra.engine.cutover.InterruptedCutOver;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.relation.TableRelations;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.HelperTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a run's helper tables. Called only on the lock's session of a run that owns the table
 * ({@code TableOwnership.asOwner}), so no other run's tables are ever touched.
 */
final class HelperTableDrops {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    private final String schema;
    private final String table;
    private final HelperTables helpers;

    HelperTableDrops(TableName table, HelperTables helpers) {
        this.schema = table.schema();
        this.table = table.name();
        this.helpers = helpers;
    }

    /** After the swap: the changelog and checkpoint tables, the cut-over's guards, and the old table if asked. */
    void afterSwap(Connection lock, boolean dropOldTable) throws SQLException {
        drop(lock, helpers.checkpoint());
        new InterruptedCutOver(new TableName(schema, table)).dropLeftoverGuards(lock);
        if (dropOldTable) {
            drop(lock, helpers.old());
        }
        drop(lock, helpers.changelog());
    }

    /**
     * After a revert: the changelog and checkpoint tables, the cut-over's guards, and the table with
     * the new definition (now under the ghost's name) if asked.
     */
    void afterRevert(Connection lock, boolean dropNewTable) throws SQLException {
        drop(lock, helpers.checkpoint());
        new InterruptedCutOver(new TableName(schema, table)).dropLeftoverGuards(lock);
        if (dropNewTable) {
            drop(lock, helpers.ghost());
        }
        drop(lock, helpers.changelog());
    }

    /**
     * After a failure or an abort: the original's triggers and foreign keys that a cut-over attempt
     * could not move back are put back first, then every helper table goes, the changelog last: it
     * carries the run's id, which proves the rest are this run's if the drops must run again after
     * a lost session.
     */
    void afterFailure(Connection lock) throws SQLException {
        TableRelations.putBackStranded(lock, schema, helpers.ghost(), table)
                .ifPresent(moved -> log.warn("{} were still on `{}`; they are back on `{}`", moved, helpers.ghost(), table));
        drop(lock, helpers.ghost());
        drop(lock, helpers.checkpoint());
        new InterruptedCutOver(new TableName(schema, table)).dropLeftoverGuards(lock);
        drop(lock, helpers.changelog());
    }

    /** The ghost table alone: an instant ALTER or a dry run needed it only to learn the new shape. */
    void ghost(Connection session) throws SQLException {
        drop(session, helpers.ghost());
    }

    private void drop(Connection session, String helper) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(schema, helper));
        }
    }
}
