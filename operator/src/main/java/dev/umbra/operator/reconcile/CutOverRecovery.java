package dev.umbra.operator.reconcile;

import dev.umbra.engine.cutover.InterruptedCutOver;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.status.FailureReasons;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a new operator makes of a migration whose status says CutOver: the run that was swapping
 * the tables died (its operator killed, its node lost). The tables' names, read under the
 * migration lock, say how far it got; the migration resumes, ends Done, or fails with what to do.
 */
final class CutOverRecovery {

    sealed interface Decision permits Resume, End, Retry {
    }

    /** No swap happened: the run resumes from its checkpoint like any interrupted run. */
    record Resume() implements Decision {
    }

    record End(MigrationPhase phase, String reason, String message) implements Decision {
    }

    /** The database cannot tell yet (unreachable, or another run holds the lock). */
    record Retry(String reason, String message) implements Decision {
    }

    private CutOverRecovery() {
    }

    static Decision decide(MigrationPlan plan) {
        InterruptedCutOver cutOver = new InterruptedCutOver(plan.tableName());
        HelperTables helpers = cutOver.helpers();
        String table = "`" + plan.table() + "`";
        try (Connections sessions = new Connections(plan.connection(), plan.schema());
             Connection session = sessions.open()) {
            return switch (cutOver.examine(session)) {
                case NOT_SWAPPED -> new Resume();
                case SWAPPED -> {
                    cutOver.finishSwapped(session, plan.options().dropOldTable());
                    yield new End(MigrationPhase.DONE, "Done", "Done: " + table + " now has the new definition. The operator"
                            + " stopped during the cut-over, after the tables were swapped; the next one found them so and"
                            + " dropped the changelog and checkpoint tables. " + (plan.options().dropOldTable()
                            ? "The old table was dropped (spec.cleanup.dropOldTable)." : "The old table is kept as `"
                            + helpers.old() + "`."));
                }
                case ORIGINAL_RENAMED -> new End(MigrationPhase.FAILED, FailureReasons.of(FailureKind.ORIGINAL_RENAMED), "Failed: the operator stopped"
                        + " between the two renames of the two-step cut-over: " + table + " does not exist, the original is `"
                        + helpers.old() + "` and the new table `" + helpers.ghost() + "`. Nothing was dropped. Put the original"
                        + " back with " + cutOver.putOriginalBack() + " (the application's writes since the first rename failed"
                        + " with \"Table doesn't exist\"), then drop `" + helpers.ghost() + "`, `" + helpers.changelog()
                        + "` and `" + helpers.checkpoint() + "` and apply the migration again.");
                case UNCLEAR -> new End(MigrationPhase.FAILED, "InterruptedDuringCutOver", "Failed: the operator stopped"
                        + " during the cut-over, and the tables are neither as before nor as after the swap (of " + table
                        + ", `" + helpers.ghost() + "` and `" + helpers.old() + "`, some are missing or extra): someone changed"
                        + " them meanwhile. Nothing was changed; check which table holds the data before dropping any.");
            };
        } catch (TableInUseException e) {
            return new Retry(FailureReasons.of(FailureKind.TABLE_IN_USE), "Waiting to see where the interrupted cut-over stopped: " + e.getMessage());
        } catch (SQLException e) {
            return new Retry(FailureReasons.of(FailureKind.SERVER_UNREACHABLE), "Waiting to see where the interrupted cut-over stopped: the database cannot be"
                    + " queried (" + e.getMessage() + ").");
        }
    }
}
