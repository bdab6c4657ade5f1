package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.relation.TableTrigger;
import dev.umbra.engine.relation.TableTriggers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Proves that every trigger of the original can be created on the new table before anything is
 * copied: the server checks a trigger's {@code NEW}/{@code OLD} columns against the table, its
 * definer against the account's privileges, and its body against the SQL mode. Each is created on
 * the ghost under a throwaway name and dropped at once, so nothing fires during the copy.
 */
final class TriggersCheck {

    private TriggersCheck() {
    }

    static void check(Connection connection, TableName table, String ghost, List<TableTrigger> triggers)
            throws SQLException, MigrationRefusedException {
        String probeName = "_umbra_probe_" + UUID.randomUUID().toString().replace("-", "");
        for (TableTrigger trigger : triggers) {
            try {
                TableTriggers.create(connection, table.sibling(ghost), trigger, probeName);
            } catch (SQLException e) {
                throw new MigrationRefusedException("Trigger " + trigger.describe() + " of `" + table.name() + "` cannot be"
                        + " created on the new table, so it could not be moved there at the cut-over: " + e.getMessage()
                        + ". Change the trigger (or the ALTER) so that it fits the new definition, or grant the account"
                        + " what the server asks for, then run again; nothing was changed.", e);
            } finally {
                TableTriggers.drop(connection, table.schema(), probeName);
            }
        }
    }
}
