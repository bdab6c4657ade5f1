package dev.umbra.engine.checkpoint;

import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.engine.table.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a revert window goes on after its run stopped (an operator restart, a killed CLI): the
 * checkpoint table holds how far the old table is kept in step (phase {@value #PHASE}), and the
 * changelog when the window ends. The next run of the same migration finds them before anything
 * else and keeps the old table in step from there, instead of migrating the table again.
 */
public final class RevertWindowCheckpoint {

    public static final String PHASE = "RevertWindow";
    private static final String UNTIL = "revert-until";

    private final TableName table;
    private final HelperTables helpers;

    public RevertWindowCheckpoint(TableName table, HelperTables helpers) {
        this.table = table;
        this.helpers = helpers;
    }

    /** Once, when the window opens: its end. */
    public void open(Connection connection, Instant until) throws SQLException {
        new Changelog(table.sibling(helpers.changelog())).write(connection, UNTIL, Long.toString(until.toEpochMilli()));
    }

    /** Every binlog change up to {@code applied} is in the old table. */
    public void save(Connection connection, String serverIdentity, String alterClauses, BinlogPosition applied)
            throws SQLException {
        new CheckpointTable(table.sibling(helpers.checkpoint())).write(connection, new Checkpoint(Checkpoint.FORMAT_VERSION,
                alterClauses, TableFingerprint.sha256(alterClauses), "", "", serverIdentity, applied, List.of(), 0, PHASE,
                Instant.now()));
    }

    /**
     * When the window ends, if one is kept: a window checkpoint and its end are there (the run that
     * keeps it may be stopped for the moment). Read by {@code umbra revert} before it asks for a revert.
     */
    public Optional<Instant> keptUntil(Connection connection) throws SQLException {
        CheckpointTable checkpoints = new CheckpointTable(table.sibling(helpers.checkpoint()));
        if (!checkpoints.exists(connection)) {
            return Optional.empty();
        }
        try {
            if (!checkpoints.read(connection).map(saved -> PHASE.equals(saved.phase())).orElse(false)) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return new Changelog(table.sibling(helpers.changelog())).latest(connection, UNTIL)
                .map(millis -> Instant.ofEpochMilli(Long.parseLong(millis)));
    }

    /**
     * The window an earlier run of this migration left open, if it left one: empty when there is no
     * window checkpoint at all.
     *
     * @throws WindowLostException there is one, but the window cannot go on (why is the message)
     */
    public Optional<ResumeDecision.RevertWindow> find(Connection connection, ServerInfo server, String alterClauses)
            throws SQLException, WindowLostException {
        CheckpointTable checkpoints = new CheckpointTable(table.sibling(helpers.checkpoint()));
        if (!checkpoints.exists(connection)) {
            return Optional.empty();
        }
        Optional<Checkpoint> saved;
        try {
            saved = checkpoints.read(connection);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a window's: the copy's resume check reports it
        }
        if (saved.isEmpty() || !PHASE.equals(saved.get().phase())) {
            return Optional.empty();
        }
        Checkpoint checkpoint = saved.get();
        if (!checkpoint.alter().equals(alterClauses)) {
            throw new WindowLostException("the revert window left open belongs to another ALTER (" + checkpoint.alter() + ")");
        }
        if (!TableSchema.exists(connection, table.sibling(helpers.old()))) {
            throw new WindowLostException("the old table `" + helpers.old() + "` is gone");
        }
        Optional<String> until = new Changelog(table.sibling(helpers.changelog())).latest(connection, UNTIL);
        if (until.isEmpty()) {
            throw new WindowLostException("the changelog `" + helpers.changelog() + "` does not say when the window ends");
        }
        Optional<String> binlogGone = BinlogAvailability.whyUnavailable(connection, server, checkpoint.appliedPosition(),
                checkpoint.serverIdentity());
        if (binlogGone.isPresent()) {
            throw new WindowLostException(binlogGone.get());
        }
        return Optional.of(new ResumeDecision.RevertWindow(checkpoint, Instant.ofEpochMilli(Long.parseLong(until.get()))));
    }


    /** A revert window was left open, but it cannot be resumed. */
    public static final class WindowLostException extends Exception {
        public WindowLostException(String message) {
            super(message);
        }
    }
}
