package dev.umbra.engine.run;

import dev.umbra.engine.checkpoint.Checkpoint;
import dev.umbra.engine.checkpoint.Checkpointer;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.owner.TableOwnership;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.UnsafeToContinueException;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run ends: done, with the helper tables dropped; failed or aborted, cleaned up as the
 * table's owner or with every table left alone when it cannot prove it owns the table; or left as
 * it is for a later run to resume. The background work and the binlog pipeline stop first.
 */
final class RunEnd {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    private final MigrationPlan plan;
    private final Connections connections;
    private final RunState state;
    private final RunTracker tracker;
    private final Runnable stopWork;

    /** @param stopWork stops the background loops and the binlog pipeline */
    RunEnd(MigrationPlan plan, Connections connections, RunState state, RunTracker tracker, Runnable stopWork) {
        this.plan = plan;
        this.connections = connections;
        this.state = state;
        this.tracker = tracker;
        this.stopWork = stopWork;
    }

    /** After the swap, on the lock's session: the helper tables are dropped only while the run owns the table. */
    void done(TableOwnership ownership, Inspection inspection, Checkpointer checkpointer) {
        done(ownership, inspection, checkpointer, plan.options().dropOldTable());
    }

    /** @param dropOld whether the old table goes: as the options say, except where a revert window was cut short by a hand-over */
    void done(TableOwnership ownership, Inspection inspection, Checkpointer checkpointer, boolean dropOld) {
        stopWork.run();
        close(checkpointer);
        try {
            ownership.asOwner(connection -> {
                drops(inspection).afterSwap(connection, dropOld);
                return null;
            });
        } catch (SQLException e) {
            log.warn("The migration is done, but cleaning up a helper table failed: {}", e.getMessage());
        }
        String old = dropOld ? "the old table was dropped" : "the old table is kept as `" + inspection.helpers().old() + "`";
        String revert = state.revert == null ? "" : " Revert window: " + state.revert.reason() + ".";
        tracker.enter(Phase.DONE, "done (online copy)",
                "Done: `" + plan.table() + "` now has the new definition, by an online copy; " + old + "." + revert);
    }

    /** After a revert's swap: as {@link #done}, but the table that is no longer serving is the new one. */
    void reverted(TableOwnership ownership, Inspection inspection, Checkpointer checkpointer) {
        stopWork.run();
        close(checkpointer);
        boolean dropNew = plan.options().dropOldTable();
        try {
            ownership.asOwner(connection -> {
                drops(inspection).afterRevert(connection, dropNew);
                return null;
            });
        } catch (SQLException e) {
            log.warn("The revert is done, but cleaning up a helper table failed: {}", e.getMessage());
        }
        String newTable = dropNew ? "the table with the new definition was dropped"
                : "the table with the new definition is kept as `" + inspection.helpers().ghost() + "`";
        tracker.enter(Phase.REVERTED, "reverted", "Reverted: `" + plan.table() + "` has its old definition again, with"
                + " every row written since the cut-over; " + newTable + ".");
    }

    /**
     * On the lock's session, taken again if the first one was lost to a server restart: a run that
     * no longer owns the table (its server was replaced, another run holds the lock) leaves every
     * table alone. Umbra's own helper tables are dropped even on a server that turned read-only (if
     * the account may), so that a failed run leaves nothing behind. Returns what happened to them,
     * for the status.
     *
     * @param inspection null when inspection did not finish
     * @param ownership  null when the run never proved it owns the table
     */
    String cleanUp(Inspection inspection, TableOwnership ownership, Checkpointer checkpointer, String reasonSoFar) {
        stopWork.run();
        if (inspection == null) {
            return "nothing was created";
        }
        if (ownership == null) {
            return "the ghost table `" + inspection.helpers().ghost() + "` was left, as the run lost its server session"
                    + " before it could prove it owns the table: drop it by hand once no migration of the table runs";
        }
        connections.requireWritableServer(false);
        try {
            close(checkpointer);
            return ownership.asOwner(connection -> {
                drops(inspection).afterFailure(connection);
                return "the helper tables were dropped";
            });
        } catch (UnsafeToContinueException e) {
            log.warn("The helper tables of `{}` are left alone: {}", plan.table(), e.getMessage());
            boolean saidAlready = reasonSoFar != null && reasonSoFar.contains(e.getMessage());
            return "every table was left alone" + (saidAlready ? "" : ": " + e.getMessage());
        } catch (SQLException e) {
            log.error("Could not drop the helper tables of `{}`: {}. Drop `{}` and `{}` by hand.", plan.table(), e.getMessage(),
                    inspection.helpers().ghost(), inspection.helpers().changelog());
            return "the helper tables `" + inspection.helpers().ghost() + "` and `" + inspection.helpers().changelog()
                    + "` could not be dropped (" + e.getMessage() + "): drop them by hand";
        }
    }

    /**
     * A simulated crash leaves everything; a hand-over ({@link MigrationControl#handOver}) keeps the
     * helper tables and, once the copy has begun, saves a last checkpoint. True if the run was left
     * for a later one.
     */
    boolean leftForResume(boolean crashed, boolean handOver, Checkpointer checkpointer, MigrationAbortedException e) {
        if (crashed) {
            stopWork.run();
            close(checkpointer);
            return true;
        }
        if (!handOver) {
            return false;
        }
        Phase phase = state.phase;
        stopWork.run(); // the applier finishes or abandons its batch; only committed batches move the position
        Optional<Checkpoint> saved = Optional.empty();
        if (checkpointer != null) {
            if (phase == Phase.COPYING || phase == Phase.AWAITING_CUT_OVER) {
                checkpointer.save(phase.displayName());
            }
            checkpointer.close();
            saved = checkpointer.lastSaved();
        }
        // Without a checkpoint the next run finds helper tables it cannot resume from, and (told to
        // drop stale ones, as the operator does after a restart) starts over.
        state.message = "Stopped (" + e.getMessage() + "); the helper tables are kept"
                + saved.map(checkpoint -> ", with the checkpoint saved at " + checkpoint.savedAt()
                        + ": the next run of this migration resumes from it.").orElse(", without a checkpoint yet.");
        log.info(state.message);
        tracker.publish();
        return true;
    }

    private HelperTableDrops drops(Inspection inspection) {
        return new HelperTableDrops(plan.tableName(), inspection.helpers());
    }

    private static void close(Checkpointer checkpointer) {
        if (checkpointer != null) {
            checkpointer.close();
        }
    }
}
