package dev.umbra.operator.runner;

import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.cutover.InterruptedCutOver;
import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.engine.table.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Drops the ghost, changelog and checkpoint tables of a run that this process did not finish (the
 * operator restarted while it ran, and the resource was deleted before a new run resumed it), while
 * holding the table's migration lock: tables of a run that is still alive (another operator's, or
 * the CLI's) are left alone. The old table ({@code _<table>_del}) is never dropped here.
 *
 * <p>Nor is the ghost where it may hold the only copy of rows: after a revert's swap back it is the
 * table with the new definition, which served every write since the cut-over; and while the table
 * itself is missing, a two-step rename stopped half way, and either helper may be the one serving.
 */
public final class LeftoverHelperTables {

    private LeftoverHelperTables() {
    }

    /**
     * @param reverting the run stopped in a revert's swap back: the ghost name may hold the new table
     * @return whether the ghost was dropped too
     * @throws TableInUseException another run holds the table's lock; nothing was dropped
     */
    public static boolean drop(MigrationPlan plan, boolean reverting) throws SQLException, TableInUseException {
        HelperTables helpers = HelperTables.forTable(plan.table());
        try (Connections sessions = new Connections(plan.connection(), plan.schema());
             Connection connection = sessions.open();
             Statement statement = connection.createStatement()) {
            MigrationLock.acquire(connection, plan.tableName());
            boolean dropGhost = !reverting && TableSchema.exists(connection, plan.tableName());
            if (dropGhost) {
                statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(plan.schema(), helpers.ghost()));
            }
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(plan.schema(), helpers.changelog()));
            statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(plan.schema(), helpers.checkpoint()));
            new InterruptedCutOver(plan.tableName()).dropLeftoverGuards(connection);
            return dropGhost;
        }
    }

}
