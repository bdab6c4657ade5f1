package dev.umbra.engine.run;

import dev.umbra.engine.cutover.InstantAlter;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.RunPlan;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instant-DDL fast path (see {@link InstantAlter}), when the plan chose it: once approved and
 * within the schedule, the ALTER runs on the table itself, and only the empty ghost table
 * inspection made is dropped. If the server refuses on the table itself, the online path follows
 * with the ghost table as inspection left it.
 */
final class InstantStep implements RunStep {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    /** Whether instant DDL is allowed and the server does this ALTER instantly on an empty copy of the table. */
    static boolean possible(MigrationPlan plan, Connection connection, Inspection found) throws SQLException {
        if (!plan.options().instantDdl() || !found.server().hasInstantDdl()) {
            return false;
        }
        return new InstantAlter(plan.tableName(), found.helpers().ghost(), found.alter()).probe(connection);
    }

    @Override
    public Next run(MigrationSession session) throws Exception {
        if (session.state.plan.method() != RunPlan.Method.INSTANT || !alter(session)) {
            return Next.GO_ON;
        }
        finish(session);
        return Next.RUN_DONE;
    }

    private static boolean alter(MigrationSession session) throws Exception {
        MigrationPlan plan = session.plan;
        Inspection inspection = session.inspection;
        InstantAlter instant = new InstantAlter(plan.tableName(), inspection.helpers().ghost(), inspection.alter());
        session.tracker.enter(Phase.AWAITING_CUT_OVER, session.options.autoApproveCutOver() ? "instant ALTER ready"
                : "waiting for approval (instant ALTER)");
        while (true) {
            session.gate.check();
            Optional<String> waiting = CutOverGo.waitingFor(session);
            waiting.ifPresent(reason -> session.state.stage = reason + " (instant ALTER)");
            if (waiting.isEmpty() && !session.gate.holdForThrottle()) {
                break;
            }
            Thread.sleep(100);
        }
        session.control.checkNotAborted();
        session.tracker.enter(Phase.CUT_OVER, "instant ALTER");
        Instant began = Instant.now();
        Optional<String> refused;
        try (Connection altering = session.connections.open()) {
            refused = instant.apply(altering, session.options.cutOverLockTimeout());
        }
        session.state.lastLockTime = Duration.between(began, Instant.now());
        session.state.cutOverAttempts = 1;
        if (refused.isPresent()) {
            log.warn("The instant ALTER of `{}` did not run ({}); nothing was changed, taking the online path",
                    plan.table(), refused.get());
            return false;
        }
        return true;
    }

    /** On the lock's session, as the table's owner: drops the empty ghost table and says Done. */
    private static void finish(MigrationSession session) throws SQLException {
        MigrationPlan plan = session.plan;
        session.ownership.asOwner(lock -> {
            new HelperTableDrops(plan.tableName(), session.inspection.helpers()).ghost(lock);
            return null;
        });
        session.tracker.enter(Phase.DONE, "done (instant ALTER)", "Done: `" + plan.table() + "` now has the new definition,"
                + " changed in place by an instant ALTER (metadata only: no rows were copied and no helper table is left).");
    }
}
