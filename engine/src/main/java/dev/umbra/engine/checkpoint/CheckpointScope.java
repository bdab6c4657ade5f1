package dev.umbra.engine.checkpoint;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.table.HelperTables;

/**
 * What a run's checkpoint belongs to: the table and its helper tables, the server it was taken on
 * and the ALTER (its clause list) it is valid for.
 */
public record CheckpointScope(TableName table, HelperTables helpers, ServerInfo server, String alter) {
}
