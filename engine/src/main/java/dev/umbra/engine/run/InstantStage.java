package dev.umbra.engine.run;

import dev.umbra.engine.cutover.InstantAlter;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.owner.TableOwnership;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.sql.Connections;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instant-DDL fast path (see {@link InstantAlter}): once approved and within the schedule,
 * the ALTER runs on the table itself, and only the empty ghost table inspection made is dropped.
 */
final class InstantStage {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    private final MigrationPlan plan;
    private final MigrationOptions options;
    private final Inspection inspection;
    private final Connections connections;
    private final RunState state;
    private final RunTracker tracker;
    private final WorkGate gate;
    private final MigrationControl control;
    private final ScheduleWait schedule;
    private final BooleanSupplier postponed;

    InstantStage(MigrationPlan plan, Inspection inspection, Connections connections, RunState state, RunTracker tracker,
                 WorkGate gate, MigrationControl control, ScheduleWait schedule, BooleanSupplier postponed) {
        this.plan = plan;
        this.options = plan.options();
        this.inspection = inspection;
        this.connections = connections;
        this.state = state;
        this.tracker = tracker;
        this.gate = gate;
        this.control = control;
        this.schedule = schedule;
        this.postponed = postponed;
    }

    /** Whether instant DDL is allowed and the server does this ALTER instantly on an empty copy of the table. */
    static boolean possible(MigrationPlan plan, Connection connection, Inspection found) throws SQLException {
        if (!plan.options().instantDdl() || !found.server().hasInstantDdl()) {
            return false;
        }
        return new InstantAlter(plan.schema(), plan.table(), found.helpers().ghost(), found.alter()).probe(connection);
    }

    /**
     * Waits for approval, then runs the ALTER on the table. False when the online path must run
     * instead (the server refused to do it instantly); the ghost table is then as inspection left it.
     */
    boolean alter() throws SQLException, MigrationAbortedException, MigrationFailedException, InterruptedException {
        InstantAlter instant = new InstantAlter(plan.schema(), plan.table(), inspection.helpers().ghost(), inspection.alter());
        tracker.enter(Phase.AWAITING_CUT_OVER, options.autoApproveCutOver() ? "instant ALTER ready" : "waiting for approval (instant ALTER)");
        while (!(options.autoApproveCutOver() || control.isCutOverApproved()) || postponed.getAsBoolean()
                || gate.holdForThrottle() || schedule.waitWhileClosed()) {
            gate.check();
            Thread.sleep(100);
        }
        control.checkNotAborted();
        tracker.enter(Phase.CUT_OVER, "instant ALTER");
        Instant began = Instant.now();
        Optional<String> refused;
        try (Connection altering = connections.open()) {
            refused = instant.apply(altering, options.cutOverLockTimeout());
        }
        state.lastLockTime = Duration.between(began, Instant.now());
        state.cutOverAttempts = 1;
        if (refused.isPresent()) {
            log.warn("The instant ALTER of `{}` did not run ({}); nothing was changed, taking the online path",
                    plan.table(), refused.get());
            return false;
        }
        return true;
    }

    /** On the lock's session, as the table's owner: drops the empty ghost table and says Done. */
    void finish(TableOwnership ownership) throws SQLException {
        ownership.asOwner(lock -> {
            new HelperTableDrops(plan.schema(), plan.table(), inspection.helpers()).ghost(lock);
            return null;
        });
        tracker.enter(Phase.DONE, "done (instant ALTER)", "Done: `" + plan.table() + "` now has the new definition,"
                + " changed in place by an instant ALTER (metadata only: no rows were copied and no helper table is left).");
    }
}
