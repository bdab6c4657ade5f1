package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.ChangeApplier;
import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.apply.CopyFrontier;
import dev.umbra.engine.apply.ParentCascades;
import dev.umbra.engine.binlog.BinlogGoneException;
import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.binlog.BinlogStream;
import dev.umbra.engine.binlog.RowImageConverter;
import dev.umbra.engine.binlog.TransactionQueue;
import dev.umbra.engine.checkpoint.BinlogAvailability;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.PasswordSource;
import dev.umbra.engine.unique.ConflictClause;
import dev.umbra.engine.unique.ConflictResolver;
import dev.umbra.engine.unique.HeldRows;
import dev.umbra.engine.unique.RowRefresher;
import dev.umbra.engine.unique.UniqueConflictException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What carries the original's changes to the ghost table while the run copies and waits (and,
 * within a revert window, the new table's back to the old one; see {@link SyncRoute}): the
 * changelog table, the binlog stream, the applier, and what settles rows that collide on a unique
 * key the ALTER adds. Built once the run owns the table, started from a binlog position, closed
 * at the run's end.
 */
final class BinlogPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);
    private static final int QUEUE_TRANSACTIONS = 2_000;
    /** What the queued row images may hold: with a transaction's pieces, bounds the binlog's memory at any write load. */
    private static final long QUEUE_BYTES = 32L << 20;

    private final MigrationPlan plan;
    private final Inspection inspection;
    private final SyncRoute route;
    private final Connections connections;
    private final HeldRows heldRows;
    private final Changelog changelog;
    private final ConflictClause conflictClause;
    private final ConflictResolver conflicts;
    private volatile BinlogStream stream;
    private volatile ApplyLoop applyLoop;
    private volatile ParentCascades cascades = ParentCascades.NONE;
    /** The keys the copy will still read; closed unless the copy opens it. */
    private final CopyFrontier copyFrontier = new CopyFrontier();

    BinlogPipeline(MigrationPlan plan, Inspection inspection, SyncRoute route, Connections connections, HeldRows heldRows) {
        this.plan = plan;
        this.inspection = inspection;
        this.route = route;
        this.connections = connections;
        this.heldRows = heldRows;
        this.changelog = new Changelog(plan.tableName().sibling(inspection.helpers().changelog()));
        this.conflictClause = new ConflictClause(plan.schema(), route.target(), route.mapping());
        RowRefresher refresher = new RowRefresher(plan.schema(), route.source(), route.target(), route.mapping(), conflictClause);
        this.conflicts = new ConflictResolver(route.source(), heldRows, refresher, this::catchUp, plan.options().diagnostics());
    }

    /**
     * Streams the binlog from {@code from} into the applier, which starts applying at once.
     *
     * @param connection a session on the server, to read what the stream's position means there
     * @param passwords  where the stream's sessions get the password
     * @param held       true while the applier must hold (paused, throttled)
     */
    void start(Connection connection, BinlogPosition from, PasswordSource passwords, BooleanSupplier held)
            throws SQLException, IOException, TimeoutException {
        TransactionQueue queue = new TransactionQueue(QUEUE_TRANSACTIONS, QUEUE_BYTES);
        cascades = ParentCascades.load(connection, plan.schema(), route.target(), route.foreignKeys());
        Set<String> followed = new HashSet<>(cascades.parentTables());
        followed.add(route.source());
        followed.add(changelog.table());
        BinlogStream binlog = new BinlogStream(plan.connection(), plan.schema(), Set.copyOf(followed), queue);
        stream = binlog;
        binlog.setPasswordSource(passwords);
        String binlogServer = BinlogAvailability.serverIdentity(connection, inspection.server());
        binlog.setReconnectCheck(position -> {
            try (Connection session = connections.open()) { // checks the server's identity and the table's lock
                Optional<String> gone = BinlogAvailability.whyUnavailable(session, inspection.server(), position, binlogServer);
                if (gone.isPresent()) {
                    throw new BinlogGoneException(position, gone.get());
                }
            }
        });
        binlog.start(from);
        ChangeApplier applier = new ChangeApplier(plan.schema(), route.target(), route.mapping(),
                new RowImageConverter(route.sourceColumns(), route.mapping().valueTargets()),
                conflictClause, heldRows, cascades, copyFrontier);
        ApplyLoop loop = new ApplyLoop(queue, applier, route.source(), changelog.table(), connections, held,
                plan.options().applyBatchSize(), heldRows, plan.options().reconnectTimeout(),
                route.targetHasOtherUniqueKeys() ? 1 : plan.options().applySessions());
        applyLoop = loop;
        loop.start();
    }

    CopyFrontier copyFrontier() {
        return copyFrontier;
    }

    /** The parents of the original's cascading foreign keys, whose changes the stream follows. */
    Set<String> cascadingParents() {
        return cascades.parentTables();
    }

    Changelog changelog() {
        return changelog;
    }

    BinlogStream stream() {
        return stream;
    }

    /** The applier; null before {@link #start}. */
    ApplyLoop applyLoop() {
        return applyLoop;
    }

    ConflictClause conflictClause() {
        return conflictClause;
    }

    ConflictResolver conflicts() {
        return conflicts;
    }

    /**
     * Writes the rows held back by unique-key collisions again from the original; fails the
     * migration, naming the key (never the values), if they are real duplicates.
     *
     * @param state whose stage says what is done meanwhile, and is put back once it is done
     */
    void settleHeldRows(RunState state) throws MigrationFailedException, SQLException, InterruptedException {
        if (heldRows.isEmpty()) {
            return;
        }
        String stage = state.stage;
        state.stage = "re-copying " + heldRows.size() + " row(s) that collided on a unique key";
        log.info("{} row(s) of `{}` collided with other rows on a unique key of the new table; writing them again from"
                + " the table once the applier has caught up", heldRows.size(), plan.table());
        try (Connection connection = connections.open()) {
            conflicts.settle(connection);
        } catch (UniqueConflictException e) {
            throw new MigrationFailedException(FailureKind.DUPLICATE_KEY, e.getMessage(), e);
        }
        state.stage = stage;
    }

    /** Waits until the applier has applied every binlog change written before this call. */
    private void catchUp() throws SQLException, InterruptedException {
        String marker = "catch-up-" + UUID.randomUUID();
        try (Connection connection = connections.open()) {
            changelog.writeMarker(connection, marker);
        }
        if (!applyLoop.awaitMarkerApplied(marker, CATCH_UP_TIMEOUT)) {
            throw new SQLException("the binlog applier did not catch up within " + CATCH_UP_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Stops the stream, then the applier: it finishes or abandons its batch, and only committed batches move the position. */
    @Override
    public void close() {
        BinlogStream binlog = stream;
        if (binlog != null) {
            binlog.close();
        }
        ApplyLoop loop = applyLoop;
        if (loop != null) {
            loop.close();
        }
    }
}
