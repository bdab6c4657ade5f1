package dev.umbra.engine.checkpoint;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.HelperTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume step of inspection. Runs with the {@link MigrationLock} held, so any helper tables
 * with a checkpoint belong to a run that is gone: a valid checkpoint is resumed; an invalid one is
 * reported and its helper tables dropped so that the migration starts over.
 */
public final class ResumeCheck {

    private static final Logger log = LoggerFactory.getLogger(ResumeCheck.class);

    private ResumeCheck() {
    }

    /**
     * @param dryRun only look: an invalid checkpoint is reported, nothing is dropped
     */
    public static ResumeDecision decide(Connection connection, ServerInfo server, TableName table,
                                        String alterClauses, HelperTables helpers, boolean dryRun) throws SQLException {
        CheckpointTable checkpoints = new CheckpointTable(table.sibling(helpers.checkpoint()));
        if (!checkpoints.exists(connection)) {
            return ResumeDecision.fresh();
        }
        String reason;
        try {
            Optional<Checkpoint> saved = checkpoints.read(connection);
            if (saved.isEmpty()) {
                reason = "the checkpoint table `" + helpers.checkpoint() + "` holds no checkpoint";
            } else {
                Optional<String> invalid = CheckpointValidator.whyInvalid(connection, server, table, alterClauses,
                        helpers, saved.get());
                if (invalid.isEmpty()) {
                    log.info("Resuming the migration of `{}`.`{}` from the checkpoint saved at {} (binlog {}, {} rows copied)",
                            table, saved.get().savedAt(), saved.get().appliedPosition(), saved.get().rowsCopied());
                    return new ResumeDecision.Resume(saved.get());
                }
                reason = invalid.get();
            }
        } catch (IllegalArgumentException | SQLException e) {
            reason = "the checkpoint cannot be read: " + e.getMessage();
        }
        if (!dryRun) {
            log.warn("The checkpoint of `{}`.`{}` cannot be resumed: {}. Dropping the earlier run's helper tables and"
                    + " starting over.", table, reason);
            try (Statement statement = connection.createStatement()) {
                for (String helper : new String[] {helpers.ghost(), helpers.changelog(), helpers.checkpoint()}) {
                    statement.execute("DROP TABLE IF EXISTS " + Sql.qualified(table.schema(), helper));
                }
            }
        }
        return new ResumeDecision.StartOver(reason);
    }
}
