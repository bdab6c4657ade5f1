package dev.umbra.engine.inspect;

import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.checkpoint.ResumeDecision;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.engine.table.TableSchema;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.relation.TableTrigger;
import java.util.List;

/**
 * What inspection found: enough to run the migration. By the time this exists the ghost table has
 * been created and altered (the last step of inspection, undone if the new shape is refused), or,
 * when {@code resume} is a {@link ResumeDecision.Resume}, kept from the interrupted run it resumes.
 * {@code triggers} and {@code foreignKeys} are the original's, each proven to fit the new table;
 * they move to it at the cut-over.
 */
public record Inspection(ServerInfo server, TableSchema original, TableSchema ghost, ParsedAlter alter,
                         ColumnMapping mapping, HelperTables helpers, long estimatedRows, long estimatedBytes, ResumeDecision resume,
                         List<TableTrigger> triggers, List<ForeignKey> foreignKeys) {

    /** Whether the table was migrated already and an earlier run's revert window goes on (see {@link ResumeDecision.RevertWindow}). */
    public boolean resumesRevertWindow() {
        return resume instanceof ResumeDecision.RevertWindow;
    }

    public java.util.Optional<dev.umbra.engine.checkpoint.Checkpoint> resumedCheckpoint() {
        return resume instanceof ResumeDecision.Resume resumed ? java.util.Optional.of(resumed.checkpoint())
                : java.util.Optional.empty();
    }
}
