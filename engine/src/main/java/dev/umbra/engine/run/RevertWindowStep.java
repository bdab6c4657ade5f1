package dev.umbra.engine.run;

import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.checkpoint.BinlogAvailability;
import dev.umbra.engine.checkpoint.ResumeDecision;
import dev.umbra.engine.checkpoint.RevertWindowCheckpoint;
import dev.umbra.engine.cutover.CutOverContext;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.inspect.Reversibility;
import dev.umbra.engine.plan.DurationText;
import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.RevertVerdict;
import dev.umbra.engine.progress.RevertWindow;
import dev.umbra.engine.throttle.Hold;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revert window after the cut-over (see {@link RevertOptions}). The binlog changes of the new
 * table are applied to the old one through the inverse of the column mapping, from the exact point
 * of the swap on, until the window ends, the run is stopped, a change does not fit the old table, or
 * a revert is asked for: then the tables are swapped back by the same cut-over machinery (bounded
 * lock, attempts, catch-up before the lock). The run is Done meanwhile, and its status says whether
 * and until when it can be reverted.
 *
 * <p>How far the old table is in step is saved like the copy's checkpoint. A run stopped for a
 * hand-over (or killed) leaves the window as it is, and the next run of the same migration resumes it
 * (see {@link ResumeDecision.RevertWindow}); a run stopped otherwise closes it.
 */
final class RevertWindowStep implements RunStep {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    /** How a window ended without a revert. */
    private record Closed(String reason, boolean leftOpen) {
    }

    @Override
    public Next run(MigrationSession session) throws Exception {
        RevertOptions options = session.options.revert();
        Inspection inspection = session.inspection;
        boolean resumed = inspection.resume() instanceof ResumeDecision.RevertWindow;
        if (!options.enabled() && !resumed) {
            return Next.GO_ON;
        }
        Instant until = inspection.resume() instanceof ResumeDecision.RevertWindow window ? window.until()
                : Instant.now().plus(options.window()).truncatedTo(ChronoUnit.SECONDS); // as the changelog keeps it
        RevertVerdict verdict = Reversibility.of(inspection, false);
        if (!verdict.allows(options.acceptLoss())) {
            String why = verdict.kind() == RevertVerdict.Kind.NOT_REVERSIBLE ? "not reversible: "
                    : "reversible only with losses that spec.revert.acceptLoss (--revert-accept-loss) did not accept: ";
            session.state.revert = new RevertWindow(until, false, Optional.empty(),
                    "no revert window: the migration is " + why + String.join("; ", verdict.findings()));
            log.warn("{}", session.state.revert.reason());
            return Next.GO_ON;
        }
        String losses = verdict.kind() == RevertVerdict.Kind.REVERSIBLE_WITH_LOSS
                ? "a revert accepts: " + String.join("; ", verdict.findings()) : "";
        Closed closed;
        try {
            closed = resumed ? resumeSync(session, until, losses) : openSync(session, until, losses);
        } catch (SQLException | RuntimeException e) {
            closed = new Closed("the old table could not be kept in step, so no revert is possible: " + WorkGate.describe(e), false);
        }
        if (closed == null) {
            return revert(session, until);
        }
        session.state.revert = new RevertWindow(until, closed.leftOpen(), Optional.empty(), closed.reason());
        log.info("The revert window of `{}`: {}", session.plan.table(), closed.reason());
        if (closed.leftOpen()) {
            session.closeWorkers();
            session.state.message = "Done; the revert window (until " + until + ") is left open: " + closed.reason()
                    + ". The next run of this migration keeps the old table in step again and offers the revert.";
            session.tracker.publish();
            return Next.RUN_DONE;
        }
        return Next.GO_ON;
    }

    /** Right after the swap: the new table's changes from the swap on go to the old table. */
    private static Closed openSync(MigrationSession session, Instant until, String losses) throws Exception {
        BinlogPosition swappedAt = session.pipeline.applyLoop().appliedPosition();
        session.closeWorkers();
        RevertWindowCheckpoint checkpoint = new RevertWindowCheckpoint(session.plan.tableName(), session.inspection.helpers());
        String serverIdentity;
        try (Connection connection = session.connections.open()) {
            serverIdentity = BinlogAvailability.serverIdentity(connection, session.inspection.server());
            checkpoint.open(connection, until);
            checkpoint.save(connection, serverIdentity, session.inspection.alter().clauseList(), swappedAt);
        }
        session.checkpointer = null; // the copy's: the window saves its own
        BinlogPipeline back = startSync(session, swappedAt);
        return keepInStep(session, back, until, losses, checkpoint, serverIdentity, "Done: `" + session.plan.table()
                + "` has the new definition. ");
    }

    /** An earlier run's window: the run owns the table again, and takes up the heartbeat and the status. */
    private static Closed resumeSync(MigrationSession session, Instant until, String losses) throws Exception {
        ResumeDecision.RevertWindow window = (ResumeDecision.RevertWindow) session.inspection.resume();
        RevertWindowCheckpoint checkpoint = new RevertWindowCheckpoint(session.plan.tableName(), session.inspection.helpers());
        session.ownership.claimHelpers(false);
        BinlogPipeline back = startSync(session, window.checkpoint().appliedPosition());
        session.throttler.start(back.changelog());
        session.background.startLoops(back.changelog(), session.connections,
                session.options.throttle().heartbeatInterval(session.options.heartbeatInterval()), session.tracker::publish,
                session.options.statusInterval(), () -> { }, session.options.checkpointInterval());
        return keepInStep(session, back, until, losses, checkpoint, window.checkpoint().serverIdentity(), "Done: `"
                + session.plan.table() + "` has the new definition (" + session.inspection.resume().note().orElse("") + "). ");
    }

    /** The new table's changes from {@code from} on go to the old table. */
    private static BinlogPipeline startSync(MigrationSession session, BinlogPosition from) throws Exception {
        Inspection inspection = session.inspection;
        BinlogPipeline back = new BinlogPipeline(session.plan, inspection, SyncRoute.backward(session.plan, inspection),
                session.connections, session.heldRows);
        session.pipeline = back;
        try (Connection connection = session.connections.open()) {
            back.start(connection, from, session.passwordSource, () -> session.gate.holdNow().isPresent());
        }
        session.gate.watch(back.stream(), back.applyLoop());
        return back;
    }

    /**
     * Until the window ends or a revert is asked for: null for a revert, otherwise how the window
     * closed. A change the old table refuses (a value its narrower type cannot hold, a dropped NOT NULL
     * column without a default) closes it: from then on the old table would miss rows.
     */
    private static Closed keepInStep(MigrationSession session, BinlogPipeline back, Instant until, String losses,
                                     RevertWindowCheckpoint checkpoint, String serverIdentity, String done)
            throws Exception {
        session.state.revert = new RevertWindow(until, true, Optional.empty(), losses);
        session.tracker.enter(Phase.DONE, "revert window open", done + "The old table `" + session.inspection.helpers().old()
                + "` is kept in step until " + until + ": annotate umbra.dev/revert=true (CLI: create the revert flag file)"
                + " to swap back.");
        Instant nextSave = Instant.now().plus(session.options.checkpointInterval());
        while (true) {
            if (session.control.isRevertRequested() || session.revertRequested.getAsBoolean()
                    || back.applyLoop().revertRequested()) {
                return null;
            }
            if (session.crashed) {
                return new Closed("the run was killed", true);
            }
            if (session.control.isHandOverRequested()) {
                save(session, back, checkpoint, serverIdentity);
                return new Closed("the run was stopped (" + session.control.abortReason() + ")", true);
            }
            if (session.control.isAbortRequested()) {
                return new Closed("the window was closed early (" + session.control.abortReason() + ")", false);
            }
            try {
                session.gate.checkWorkers();
            } catch (MigrationFailedException e) {
                return new Closed("the old table could no longer be kept in step, so no revert is possible: "
                        + e.getMessage(), false);
            }
            Instant now = Instant.now();
            if (!now.isBefore(until)) {
                return new Closed("the window ended at " + until, false);
            }
            if (!now.isBefore(nextSave)) {
                save(session, back, checkpoint, serverIdentity);
                nextSave = now.plus(session.options.checkpointInterval());
            }
            Instant heartbeat = back.applyLoop().lastHeartbeatWrittenAt();
            Optional<Duration> lag = Optional.ofNullable(heartbeat)
                    .map(writtenAt -> writtenAt.isAfter(now) ? Duration.ZERO : Duration.between(writtenAt, now));
            session.state.revert = new RevertWindow(until, true, lag, losses);
            session.state.stage = "revert window open (" + DurationText.format(Duration.between(now, until)) + " left)";
            Thread.sleep(100);
        }
    }

    /** Saves how far the old table is in step; a failed save only means a resume goes back further. */
    private static void save(MigrationSession session, BinlogPipeline back, RevertWindowCheckpoint checkpoint,
                             String serverIdentity) {
        BinlogPosition applied = back.applyLoop().appliedPosition();
        if (applied == null) {
            return;
        }
        try (Connection connection = session.connections.open()) {
            checkpoint.save(connection, serverIdentity, session.inspection.alter().clauseList(), applied);
        } catch (SQLException e) {
            log.warn("Saving the revert window's checkpoint failed: {}", WorkGate.describe(e));
        }
    }

    /**
     * Swaps back: the new table takes the ghost's name, the old one the table's. A revert that
     * cannot be made leaves the table with its new definition, and the window closed.
     */
    private static Next revert(MigrationSession session, Instant until) throws Exception {
        Inspection inspection = session.inspection;
        BinlogPipeline back = session.pipeline;
        session.state.revert = new RevertWindow(until, false, Optional.empty(), "reverting");
        session.tracker.enter(Phase.REVERTING, "swapping the tables back");
        session.ownership.watchHelpers(false); // the swap renames them
        CutOverContext context = new CutOverContext(session.plan.tableName(), inspection.helpers().old(),
                inspection.helpers().ghost(), back.changelog(), session.connections, back.applyLoop(),
                session.options.cutOverLockTimeout(), true, back.cascadingParents(),
                () -> session.gate.holdNow().map(Hold::reason), session.hooks.cutOver(), session.options.diagnostics(),
                false);
        try {
            // A revert does not wait for the cut-over's schedule: the new definition hurts now.
            SwapStep.swap(session, SwapStep.method(session), context, false);
        } catch (MigrationFailedException e) {
            if (e.kind() == FailureKind.ORIGINAL_RENAMED) {
                throw e;
            }
            String reason = "the revert failed, and `" + session.plan.table() + "` keeps its new definition: " + e.getMessage();
            session.state.revert = new RevertWindow(until, false, Optional.empty(), reason);
            log.warn("{}", reason);
            return Next.GO_ON;
        }
        session.state.revert = new RevertWindow(until, false, Optional.empty(), "reverted at " + Instant.now());
        session.end().reverted(session.ownership, inspection, session.checkpointer);
        return Next.RUN_DONE;
    }
}
