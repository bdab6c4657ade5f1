package dev.umbra.engine.checkpoint;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.table.HelperTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Decides whether a saved checkpoint still describes this migration on this server: the same
 * ALTER, the original table unchanged since, the ghost and changelog tables still there and the
 * ghost unchanged, and every binlog transaction after the saved position still on the server.
 */
final class CheckpointValidator {

    private CheckpointValidator() {
    }

    /** Why the checkpoint cannot be resumed, or empty if it can. */
    static Optional<String> whyInvalid(Connection connection, ServerInfo server, TableName table,
                                       String alterClauses, HelperTables helpers, Checkpoint checkpoint) throws SQLException {
        if (!TableFingerprint.sha256(alterClauses).equals(checkpoint.alterSha256())) {
            return Optional.of("the ALTER differs from the one the checkpoint was saved for (`" + checkpoint.alter() + "`)");
        }
        Optional<String> original = TableFingerprint.of(connection, table);
        if (original.isEmpty() || !original.get().equals(checkpoint.originalFingerprint())) {
            return Optional.of("`" + table.name() + "`'s definition changed since the checkpoint was saved");
        }
        Optional<String> ghost = TableFingerprint.of(connection, table.sibling(helpers.ghost()));
        if (ghost.isEmpty()) {
            return Optional.of("the ghost table `" + helpers.ghost() + "` is missing");
        }
        if (!ghost.get().equals(checkpoint.ghostFingerprint())) {
            return Optional.of("the ghost table `" + helpers.ghost() + "`'s definition changed since the checkpoint was saved");
        }
        if (TableFingerprint.of(connection, table.sibling(helpers.changelog())).isEmpty()) {
            return Optional.of("the changelog table `" + helpers.changelog() + "` is missing");
        }
        return BinlogAvailability.whyUnavailable(connection, server, checkpoint.appliedPosition(), checkpoint.serverIdentity());
    }
}
