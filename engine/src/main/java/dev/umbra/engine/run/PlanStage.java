package dev.umbra.engine.run;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.inspect.Inspector;
import dev.umbra.engine.inspect.RunPlans;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.sql.Connections;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's plan: found by an inspection that changes nothing (a dry run, or before the plan is
 * approved), waited on until a person approves it, and held against what the real run finds.
 */
final class PlanStage {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    /** Opens the run's first session, or ends the run as unable to connect. */
    @FunctionalInterface
    interface Sessions {
        Connection open() throws MigrationFailedException;
    }

    private final MigrationPlan plan;
    private final MigrationOptions options;
    private final Connections connections;
    private final Sessions sessions;
    private final RunState state;
    private final RunTracker tracker;
    private final MigrationControl control;

    PlanStage(MigrationPlan plan, Connections connections, Sessions sessions, RunState state, RunTracker tracker,
              MigrationControl control) {
        this.plan = plan;
        this.options = plan.options();
        this.connections = connections;
        this.sessions = sessions;
        this.state = state;
        this.tracker = tracker;
        this.control = control;
    }

    /**
     * Inspects exactly as a run does, sets the plan, and undoes what inspection created (the ghost
     * table it altered to learn the new shape); the session, and with it the migration lock, ends.
     */
    Inspection inspectWithoutChanges(MigrationOptions inspectionOptions)
            throws MigrationRefusedException, MigrationFailedException {
        MigrationPlan dryRun = new MigrationPlan(plan.connection(), plan.schema(), plan.table(), plan.alter(), inspectionOptions);
        try (Connection connection = sessions.open()) {
            Inspection found;
            try {
                found = new Inspector(dryRun, true).inspect(connection);
            } catch (MigrationRefusedException e) {
                tracker.fail(FailureKinds.of(e), "Refused: " + e.getMessage());
                throw e;
            }
            state.rowsEstimated = found.estimatedRows();
            if (found.resumedCheckpoint().isPresent() || found.resumesRevertWindow()) { // nothing of theirs to drop
                state.plan = RunPlans.of(found, false);
                return found;
            }
            String ghost = found.helpers().ghost();
            try {
                state.plan = RunPlans.of(found, InstantStep.possible(plan, connection, found));
                new HelperTableDrops(plan.tableName(), found.helpers()).ghost(connection);
            } catch (SQLException e) {
                String reason = "the dry run could not drop the ghost table `" + ghost + "` it created: " + WorkGate.describe(e)
                        + "; drop it by hand";
                tracker.fail(FailureKind.OTHER, "Failed: " + reason + ".");
                throw new MigrationFailedException(FailureKind.OTHER, reason, e);
            }
            return found;
        } catch (SQLException e) {
            tracker.fail(FailureKind.OTHER, "Failed: " + WorkGate.describe(e));
            throw new MigrationFailedException(FailureKind.OTHER, WorkGate.describe(e), e);
        }
    }

    /**
     * Inspects without creating anything, publishes the plan, and waits until it is approved. The
     * run then inspects again (the table may have changed meanwhile) and goes on only if the plan
     * it finds takes the approved method and key.
     */
    RunPlan awaitApproval() throws MigrationRefusedException, MigrationFailedException,
            MigrationAbortedException, InterruptedException {
        inspectWithoutChanges(options);
        RunPlan proposed = state.plan;
        tracker.enter(Phase.AWAITING_PLAN_APPROVAL, "waiting for the plan to be approved", "AwaitingPlanApproval: "
                + describe(proposed) + "; nothing was created on the server. Approve the plan to start.");
        while (!control.isPlanApproved()) {
            control.checkNotAborted();
            Thread.sleep(100);
        }
        log.info("The plan of `{}`.`{}` was approved: {}", plan.schema(), plan.table(), describe(proposed));
        return proposed;
    }

    private static String describe(RunPlan runPlan) {
        return "the plan is " + runPlan.method() + " by " + runPlan.key() + " for about " + runPlan.estimatedRows()
                + " rows" + runPlan.estimatedCopyTime().map(time -> " (copy about " + time.toSeconds() + " s)").orElse("");
    }

    /**
     * Decides the method (the instant probe rebuilds the empty ghost table either way) and publishes
     * the plan; a plan approved earlier must still hold, or nothing goes on.
     */
    void settle(Inspection inspection, RunPlan approved) throws SQLException, MigrationFailedException {
        boolean instant = false;
        // A resumed ghost holds copied rows: never rebuilt to probe; a resumed revert window has no ghost.
        if (inspection.resumedCheckpoint().isEmpty() && !inspection.resumesRevertWindow()) {
            try (Connection probing = connections.open()) {
                instant = InstantStep.possible(plan, probing, inspection);
            }
        }
        state.plan = RunPlans.of(inspection, instant);
        if (approved != null) {
            Optional<String> difference = state.plan.differenceFrom(approved);
            if (difference.isPresent()) {
                throw new MigrationFailedException(FailureKind.PLAN_CHANGED, "the table changed after its plan was approved (" + difference.get()
                        + "), so the approval does not cover this run; nothing was copied. Apply the migration again to"
                        + " see and approve the new plan");
            }
        }
        log.info("Plan for `{}`.`{}`: {}", plan.schema(), plan.table(), describe(state.plan));
        tracker.publish();
    }
}
