package dev.umbra.engine.cutover;

import dev.umbra.engine.sql.LockingSessions;
import dev.umbra.engine.trigger.TriggerMove;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original's triggers during one cut-over attempt. They move to the ghost under the write
 * lock, after the last binlog change is applied to it (so no replayed change fires them) and
 * before the swap (so the first write to the new table does). An attempt that fails without
 * swapping puts them back; if the session holding the lock was lost in between, writers reached
 * the original without them for a moment, and the failure says so.
 */
final class AttemptTriggers {

    private static final Logger log = LoggerFactory.getLogger(AttemptTriggers.class);

    private final CutOverContext context;
    private TriggerMove move;
    private long movedAt;

    AttemptTriggers(CutOverContext context) {
        this.context = context;
    }

    /**
     * @param lock    the session holding the original's write lock: it drops them there
     * @param creator a session that may create triggers on the ghost (the lock session itself if it
     *                holds the ghost's lock too)
     */
    void moveToGhost(Connection lock, Connection creator) throws SQLException {
        move = TriggerMove.of(lock, context.schema(), context.original(), context.ghost());
        if (move.isEmpty()) {
            return;
        }
        movedAt = System.nanoTime();
        move.run(lock, creator);
        log.info("Moved the triggers {} of `{}` to `{}` under the lock", move.describe(), context.original(), context.ghost());
    }

    /** The tables are swapped: the moved triggers are where they belong, whatever happens next. */
    void swapped() {
        move = null;
    }

    /**
     * Puts the triggers back on the original after an attempt that did not swap, through the
     * sessions given while they live (the lock session still keeps writers out), through a new one
     * otherwise. Returns what the failure message must add, if anything.
     */
    Optional<String> putBack(Connection lock, Connection creator) {
        if (move == null || !move.sourceIsMissingTriggers()) {
            return Optional.empty();
        }
        boolean lockHeld = alive(lock);
        Connection fresh = null;
        try {
            if (!lockHeld || !alive(creator)) {
                fresh = context.connections().open();
                // Its CREATE TRIGGER queues for the original's metadata lock, and writers queue behind it.
                LockingSessions.boundWaits(fresh, context.lockTimeout());
            }
            move.undo(lockHeld ? lock : fresh, alive(creator) ? creator : fresh);
        } catch (SQLException e) {
            log.error("The triggers {} of `{}` could not be put back after a failed cut-over attempt: {}. Recreate any that"
                    + " is on neither table with:\n{}", move.describe(), context.original(), e.getMessage(), move.sourceStatements());
            return Optional.of("the triggers " + move.describe() + " of `" + context.original() + "` could not be put back ("
                    + e.getMessage() + "): those on `" + context.ghost() + "` move with it at the next attempt; recreate any"
                    + " that is on neither table (the log has their definitions)");
        } finally {
            CutOverSql.closeQuietly(fresh);
        }
        if (lockHeld) {
            return Optional.empty();
        }
        long millis = (System.nanoTime() - movedAt) / 1_000_000;
        log.error("The session holding the lock on `{}` was lost after its triggers {} had been moved; writes in the {} ms"
                + " before they were put back ran without them", context.original(), move.describe(), millis);
        return Optional.of("the session holding the lock was lost after the triggers " + move.describe()
                + " had been moved, so writes to `" + context.original() + "` in the " + millis
                + " ms before they were put back ran without them");
    }

    private static boolean alive(Connection session) {
        if (session == null) {
            return false;
        }
        try {
            CutOverSql.execute(session, "DO 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
