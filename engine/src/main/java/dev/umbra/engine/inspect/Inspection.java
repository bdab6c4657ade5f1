package dev.umbra.engine.inspect;

import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.engine.table.TableSchema;

/**
 * What inspection found: enough to run the migration. By the time this exists the ghost table has
 * been created and altered (the last step of inspection, undone if the new shape is refused).
 */
public record Inspection(ServerInfo server, TableSchema original, TableSchema ghost, ParsedAlter alter,
                         ColumnMapping mapping, HelperTables helpers, long estimatedRows) {
}
