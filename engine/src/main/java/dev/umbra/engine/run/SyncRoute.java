package dev.umbra.engine.run;

import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.table.Column;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.UniqueKey;
import java.util.List;

/**
 * Whose binlog changes a {@link BinlogPipeline} carries to which table, through which column
 * mapping: the original's to the ghost until the cut-over, the new table's back to the old one
 * within a revert window.
 *
 * @param source        the table whose changes are followed (by name: after the cut-over it is the new table)
 * @param sourceColumns its columns, as its binlog row images have them
 * @param target        the table the changes are written to
 * @param mapping       which source column goes to which target column, and the key both share
 * @param foreignKeys   the source's foreign keys, whose cascades are made to the target too
 * @param targetUniqueKeys the target's unique keys
 */
record SyncRoute(String source, List<Column> sourceColumns, String target, ColumnMapping mapping,
                 List<ForeignKey> foreignKeys, List<UniqueKey> targetUniqueKeys) {

    /** Before the cut-over: the original's changes go to the ghost table. */
    static SyncRoute forward(MigrationPlan plan, Inspection inspection) {
        return new SyncRoute(plan.table(), inspection.original().columns(), inspection.helpers().ghost(),
                inspection.mapping(), inspection.foreignKeys(), inspection.ghost().uniqueKeys());
    }

    /**
     * After the cut-over: the new table (the ghost, now under the original's name) sends its changes
     * back to the old table. Cascading keys make a migration not reversible, so none are followed.
     */
    static SyncRoute backward(MigrationPlan plan, Inspection inspection) {
        return new SyncRoute(plan.table(), inspection.ghost().columns(), inspection.helpers().old(),
                inspection.mapping().inverse(), List.of(), inspection.original().uniqueKeys());
    }

    /**
     * Whether the target has a unique key besides the migration key. Rows that trade such a key's
     * values collide until the trade is whole; written in slices on several sessions, each slice
     * waits for or deadlocks with the other's (MySQL 5.7 under a writer trading values thousands
     * of times a second fell behind for good), so such batches are written on one session.
     */
    boolean targetHasOtherUniqueKeys() {
        List<String> key = mapping.ghostKeyNames().stream().map(name -> name.toLowerCase(java.util.Locale.ROOT)).toList();
        return targetUniqueKeys.stream().anyMatch(unique -> !unique.columns().stream()
                .map(name -> name.toLowerCase(java.util.Locale.ROOT)).toList().equals(key));
    }
}
