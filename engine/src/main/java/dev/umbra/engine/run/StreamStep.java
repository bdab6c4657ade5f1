package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.checkpoint.Checkpoint;
import dev.umbra.engine.checkpoint.CheckpointScope;
import dev.umbra.engine.checkpoint.Checkpointer;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts what carries the original's changes to the ghost table: the changelog (created, or the
 * resumed run's), the binlog stream from the start or the checkpoint, the applier, the
 * checkpointer and the background loops; then proves the stream live with a marker of its own.
 * On a session of its own: inspection's session is the lock's now, which the ownership watch pings
 * from another thread.
 */
final class StreamStep implements RunStep {

    private static final Duration STREAM_LIVE_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public Next run(MigrationSession session) throws Exception {
        try (Connection connection = session.connections.open()) {
            start(session, connection);
            proveLive(session, connection);
        }
        return Next.GO_ON;
    }

    private static void start(MigrationSession session, Connection connection) throws Exception {
        MigrationPlan plan = session.plan;
        MigrationOptions options = session.options;
        Inspection inspection = session.inspection;
        BinlogPipeline binlog = new BinlogPipeline(plan, inspection, SyncRoute.forward(plan, inspection), session.connections,
                session.heldRows);
        session.pipeline = binlog;
        Changelog changelog = binlog.changelog();
        Optional<Checkpoint> resumed = inspection.resumedCheckpoint();
        if (resumed.isEmpty()) {
            changelog.create(connection, session.ownership.runId());
        }
        session.ownership.claimHelpers(resumed.isEmpty());
        session.ownership.watchHelpers(true);
        session.throttler.start(changelog);
        BinlogPosition start = resumed.isPresent() ? resumed.get().appliedPosition()
                : BinlogPosition.current(connection, inspection.server());
        binlog.start(connection, start, session.passwordSource, () -> session.gate.holdNow().isPresent());
        ApplyLoop applyLoop = binlog.applyLoop();
        session.gate.watch(binlog.stream(), applyLoop);
        session.checkpointer = Checkpointer.begin(connection, session.connections, new CheckpointScope(plan.tableName(), inspection.helpers(), inspection.server(), inspection.alter().clauseList()), resumed, applyLoop,
                () -> !session.heldRows.isEmpty());
        session.state.rowsCopied = session.checkpointer.rowsCopied();
        session.state.rowsCopiedBefore = session.state.rowsCopied;
        session.background.startLoops(changelog, session.connections,
                options.throttle().heartbeatInterval(options.heartbeatInterval()), session.tracker::publish,
                options.statusInterval(), () -> session.saveCheckpoint(session.state.phase), options.checkpointInterval());
    }

    /**
     * While paused or throttled the apply loop holds, so the marker cannot come back: the timeout
     * counts only time in which it could have.
     */
    private static void proveLive(MigrationSession session, Connection connection) throws Exception {
        String marker = "stream-live-" + UUID.randomUUID();
        session.pipeline.changelog().writeMarker(connection, marker);
        session.state.stage = "proving the binlog stream live";
        Instant deadline = Instant.now().plus(STREAM_LIVE_TIMEOUT);
        while (!session.pipeline.applyLoop().awaitMarker(marker, Duration.ofMillis(200))) {
            session.gate.check();
            if (session.gate.held()) {
                deadline = Instant.now().plus(STREAM_LIVE_TIMEOUT);
            } else if (Instant.now().isAfter(deadline)) {
                throw new MigrationFailedException(FailureKind.BINLOG_LOST, "the binlog stream did not deliver Umbra's own"
                        + " marker row within " + STREAM_LIVE_TIMEOUT.toSeconds() + " s; check that the user may read the"
                        + " binary log");
            }
        }
        session.gate.held();
    }
}
