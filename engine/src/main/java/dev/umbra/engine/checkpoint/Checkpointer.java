package dev.umbra.engine.checkpoint;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.sql.Connections;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the checkpoint of a running migration: the copy reports its watermark after each chunk,
 * and {@link #save} writes the checkpoint table through a session of its own (the copy never waits
 * for it).
 *
 * <p>What is saved is safe to resume from by construction. The binlog position is the end of the
 * last transaction whose changes the applier has committed to the ghost table; replaying from there
 * may apply some changes a second time, which is harmless because the applier writes final row
 * images (delete, then write the whole row), and every later change of the same row is replayed
 * after it. The watermark is the last key of a committed chunk. Rows held back by a unique-key
 * collision are in neither the ghost table nor the copy's future, so while any is held nothing is
 * saved: the checkpoint stays at the last moment when none was (the position and watermark are read
 * before the held rows are looked at, so a hold that happened before them is always seen).
 */
public final class Checkpointer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    private final CheckpointTable table;
    private final Connections connections;
    private final String alter;
    private final String originalFingerprint;
    private final String ghostFingerprint;
    private final String serverIdentity;
    private final ApplyLoop applyLoop;
    private final BooleanSupplier rowsHeld;

    private volatile List<CopyRange> ranges;
    private volatile long rowsCopied;
    private volatile Checkpoint lastSaved;
    private Connection connection;
    /** How long a save waits for the server's answer. */
    private static final Duration SESSION_ANSWER_LIMIT = Duration.ofSeconds(10);
    private boolean failureLogged;

    private Checkpointer(CheckpointTable table, Connections connections, String alter, String originalFingerprint,
                         String ghostFingerprint, String serverIdentity, ApplyLoop applyLoop, BooleanSupplier rowsHeld,
                         List<CopyRange> ranges, long rowsCopied) {
        this.table = table;
        this.connections = connections;
        this.alter = alter;
        this.originalFingerprint = originalFingerprint;
        this.ghostFingerprint = ghostFingerprint;
        this.serverIdentity = serverIdentity;
        this.applyLoop = applyLoop;
        this.rowsHeld = rowsHeld;
        this.ranges = List.copyOf(ranges);
        this.rowsCopied = rowsCopied;
    }

    /**
     * For a fresh run, creates the checkpoint table and fixes what the checkpoint is valid for (the
     * ALTER, both tables' definitions, the server); for a resumed run, carries the checkpoint on.
     * Nothing is saved until {@link #save}.
     *
     * @param rowsHeld true while some row is held back by a unique-key collision
     */
    public static Checkpointer begin(Connection connection, Connections connections, CheckpointScope scope,
                                     Optional<Checkpoint> resumed, ApplyLoop applyLoop, BooleanSupplier rowsHeld) throws SQLException {
        CheckpointTable checkpoints = new CheckpointTable(scope.table().sibling(scope.helpers().checkpoint()));
        if (resumed.isPresent()) {
            Checkpoint from = resumed.get();
            Checkpointer checkpointer = new Checkpointer(checkpoints, connections, from.alter(), from.originalFingerprint(),
                    from.ghostFingerprint(), from.serverIdentity(), applyLoop, rowsHeld, from.copyRanges(), from.rowsCopied());
            checkpointer.lastSaved = from;
            return checkpointer;
        }
        String original = TableFingerprint.of(connection, scope.table())
                .orElseThrow(() -> new SQLException(scope.table() + " vanished"));
        String ghost = TableFingerprint.of(connection, scope.table().sibling(scope.helpers().ghost()))
                .orElseThrow(() -> new SQLException("the ghost table `" + scope.helpers().ghost() + "` vanished"));
        String identity = BinlogAvailability.serverIdentity(connection, scope.server());
        checkpoints.create(connection);
        return new Checkpointer(checkpoints, connections, scope.alter(), original, ghost, identity,
                applyLoop, rowsHeld, List.of(), 0);
    }

    /** The copy's range as saved or resumed, once the copy has read its upper bound. */
    public Optional<CopyRange> copyRange() {
        List<CopyRange> current = ranges;
        return current.isEmpty() ? Optional.empty() : Optional.of(current.get(0));
    }

    public long rowsCopied() {
        return rowsCopied;
    }

    /** The copy read its upper bound (empty: the table is empty, nothing to copy). */
    public void copyBegan(Optional<List<Object>> upper) {
        ranges = List.of(upper.map(CopyRange::whole).orElse(new CopyRange(null, null, null, true)));
    }

    /** A chunk ending at {@code lastKey} is committed; {@code totalRowsCopied} counts every run. */
    public void chunkCopied(List<Object> lastKey, long totalRowsCopied) {
        ranges = List.of(ranges.get(0).copiedTo(lastKey));
        rowsCopied = totalRowsCopied;
    }

    public void copyFinished(long totalRowsCopied) {
        if (!ranges.isEmpty()) {
            ranges = List.of(ranges.get(0).finished());
        }
        rowsCopied = totalRowsCopied;
    }

    /** The last checkpoint saved (or resumed from). */
    public Optional<Checkpoint> lastSaved() {
        return Optional.ofNullable(lastSaved);
    }

    /**
     * Saves the checkpoint now, unless nothing safe can be saved yet (no transaction applied, or
     * rows held back). A failed write is logged, not thrown: it costs only the ability to resume
     * from this moment, and the next save tries again.
     */
    public synchronized boolean save(String phase) {
        BinlogPosition applied = applyLoop.appliedPosition();
        List<CopyRange> copy = ranges;
        long rows = rowsCopied;
        if (applied == null || rowsHeld.getAsBoolean()) {
            return false;
        }
        Checkpoint checkpoint = new Checkpoint(Checkpoint.FORMAT_VERSION, alter, TableFingerprint.sha256(alter),
                originalFingerprint, ghostFingerprint, serverIdentity, applied, copy, rows, phase, Instant.now());
        try {
            if (connection == null || connection.isClosed()) {
                connection = connections.open();
                // A session gone silent (a lost node, a black-holing firewall) fails the save instead of
                // holding it, and the phase change or status update waiting for it, for good.
                connection.setNetworkTimeout(Runnable::run, (int) SESSION_ANSWER_LIMIT.toMillis());
            }
            table.write(connection, checkpoint);
            lastSaved = checkpoint;
            failureLogged = false;
            return true;
        } catch (SQLException e) {
            if (!failureLogged) {
                log.warn("Saving the checkpoint to `{}` failed: {}; retrying at the next save", table.table(), e.getMessage());
                failureLogged = true;
            }
            closeConnection();
            return false;
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            connection = null;
        }
    }
}
