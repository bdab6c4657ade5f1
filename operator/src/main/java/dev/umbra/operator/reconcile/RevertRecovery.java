package dev.umbra.operator.reconcile;

import dev.umbra.engine.cutover.InterruptedCutOver;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.FailureReasons;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a new operator makes of a revert window that an earlier operator left (it stopped, or was
 * killed). Done with the window open: a new run takes the window up from its checkpoint (the engine's
 * resume), so the migration is started again. Reverting: the run died in a
 * revert's swap back, and the tables' names, read under the migration lock, say how far it got.
 *
 * <p>Without this, a migration found in Reverting after its revert had swapped the tables back would
 * look like one whose cut-over never swapped ({@link InterruptedCutOver.Outcome#NOT_SWAPPED}), and
 * would be migrated again from the start.
 */
final class RevertRecovery {

    /** Reason of the Events and of the Ready condition of a swap back that cannot be told apart. */
    static final String INTERRUPTED = "InterruptedDuringRevert";

    private RevertRecovery() {
    }

    /** Done with the window open, by the status: with no run of this process, an earlier operator's run kept it. */
    static boolean windowLeftOpen(SchemaMigrationStatus status) {
        return status.getPhase() == MigrationPhase.DONE && status.getRevert() != null
                && Boolean.TRUE.equals(status.getRevert().getReversible());
    }

    /** Reverting: the run that made the revert's swap back stopped in it. */
    static boolean swapBackInterrupted(SchemaMigrationStatus status) {
        return status.getPhase() == MigrationPhase.REVERTING;
    }

    /**
     * After {@link #swapBackInterrupted}: Resume when the tables were not swapped back (a new run takes
     * the window up, and the annotation still asks for the revert), Reverted when they were, Failed
     * with what a person must do otherwise; Retry when the database cannot tell yet.
     */
    static CutOverRecovery.Decision decide(MigrationPlan plan) {
        InterruptedCutOver tables = new InterruptedCutOver(plan.tableName());
        HelperTables helpers = tables.helpers();
        String table = "`" + plan.table() + "`";
        String stopped = "The operator stopped while a revert swapped the tables back: ";
        try (Connections sessions = new Connections(plan.connection(), plan.schema());
             Connection session = sessions.open()) {
            // In a swap back the old table plays the ghost's part: "swapped" here is the state before it.
            return switch (tables.examine(session)) {
                case SWAPPED -> new CutOverRecovery.Resume();
                case NOT_SWAPPED -> {
                    tables.finishSwapped(session, false);
                    yield new CutOverRecovery.End(MigrationPhase.REVERTED, "Reverted", stopped + "it had swapped them."
                            + " Reverted: " + table + " has its old definition again; the table with the new definition is"
                            + " kept as `" + helpers.ghost() + "` (drop it by hand once it is no longer wanted).");
                }
                case ORIGINAL_RENAMED -> new CutOverRecovery.End(MigrationPhase.FAILED, INTERRUPTED, stopped + "it stopped"
                        + " between the two renames of a two-step swap: " + table + " does not exist, the table with the old"
                        + " definition is `" + helpers.old() + "` and the one with the new definition `" + helpers.ghost()
                        + "`. Nothing was dropped. Finish the revert with RENAME TABLE `" + helpers.old() + "` TO " + table
                        + ", or undo it with RENAME TABLE `" + helpers.ghost() + "` TO " + table + "; then drop `"
                        + helpers.changelog() + "` and `" + helpers.checkpoint() + "`.");
                case UNCLEAR -> new CutOverRecovery.End(MigrationPhase.FAILED, INTERRUPTED, stopped + "the tables are"
                        + " neither as before nor as after the swap back (of " + table + ", `" + helpers.ghost() + "` and `"
                        + helpers.old() + "`, some are missing or extra): someone changed them meanwhile. Nothing was"
                        + " changed; check which table holds the data before dropping any.");
            };
        } catch (TableInUseException e) {
            return new CutOverRecovery.Retry(FailureReasons.of(FailureKind.TABLE_IN_USE),
                    "Waiting to see where the interrupted revert stopped: " + e.getMessage());
        } catch (SQLException e) {
            return new CutOverRecovery.Retry(FailureReasons.of(FailureKind.SERVER_UNREACHABLE),
                    "Waiting to see where the interrupted revert stopped: the database cannot be queried ("
                            + e.getMessage() + ").");
        }
    }
}
