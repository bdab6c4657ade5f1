package dev.umbra.engine.cutover;

import dev.umbra.engine.relation.TableRelations;
import dev.umbra.engine.sql.LockingSessions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original's triggers and foreign keys during one cut-over attempt (see {@link TableRelations}).
 * They move to the ghost under the write lock, after the last binlog change is applied to it (so
 * no replayed change fires a trigger or is checked against a parent) and before the swap (so the
 * first write to the new table is). An attempt that fails without swapping puts them back; if
 * the session holding the lock was lost in between, writers reached the original without them
 * for a moment, and the failure says so.
 */
final class AttemptRelations {

    private static final Logger log = LoggerFactory.getLogger(AttemptRelations.class);

    private final CutOverContext context;
    private TableRelations relations;
    private long movedAt;

    AttemptRelations(CutOverContext context) {
        this.context = context;
    }

    /** Removes them from the original through {@code lock}, the session holding its write lock. */
    void detach(Connection lock) throws SQLException {
        relations = TableRelations.of(lock, context.schema(), context.original(), context.ghost());
        movedAt = System.nanoTime();
        relations.detach(lock);
    }

    /** Creates them on the ghost through {@code creator} (the lock session itself if it holds the ghost's lock too). */
    void attach(Connection creator) throws SQLException {
        relations.attach(creator);
        if (!relations.isEmpty()) {
            log.info("Moved {} of `{}` to `{}` under the lock", relations.describe(), context.original(), context.ghost());
        }
    }

    void moveToGhost(Connection lock, Connection creator) throws SQLException {
        detach(lock);
        attach(creator);
    }

    /** The tables are swapped: the moved relations are where they belong, whatever happens next. */
    void swapped() {
        relations = null;
    }

    /**
     * Puts them back on the original after an attempt that did not swap, through the sessions
     * given while they live (the lock session still keeps writers out), through a new one
     * otherwise. Returns what the failure message must add, if anything.
     */
    Optional<String> putBack(Connection lock, Connection creator) {
        if (relations == null || !relations.sourceIsMissingSome()) {
            return Optional.empty();
        }
        boolean lockHeld = lock != null && CutOverSql.alive(lock);
        Connection fresh = null;
        try {
            boolean creatorAlive = creator != null && CutOverSql.alive(creator);
            if (!lockHeld || !creatorAlive) {
                fresh = context.connections().open();
                // Its DDL queues for the original's metadata lock, and writers queue behind it.
                LockingSessions.boundWaits(fresh, context.lockTimeout());
            }
            relations.undo(lockHeld ? lock : fresh, creatorAlive ? creator : fresh);
        } catch (SQLException e) {
            log.error("{} of `{}` could not be put back after a failed cut-over attempt: {}. Recreate any that is on"
                    + " neither table with:\n{}", relations.describe(), context.original(), e.getMessage(),
                    relations.sourceStatements());
            return Optional.of(relations.describe() + " of `" + context.original() + "` could not be put back ("
                    + e.getMessage() + "): those on `" + context.ghost() + "` move with it at the next attempt; recreate any"
                    + " that is on neither table (the log has their definitions)");
        } finally {
            CutOverSql.closeQuietly(fresh);
        }
        if (lockHeld) {
            return Optional.empty();
        }
        long millis = (System.nanoTime() - movedAt) / 1_000_000;
        log.error("The session holding the lock on `{}` was lost after {} had been moved; writes in the {} ms before they"
                + " were put back ran without them", context.original(), relations.describe(), millis);
        return Optional.of("the session holding the lock was lost after " + relations.describe()
                + " had been moved, so writes to `" + context.original() + "` in the " + millis
                + " ms before they were put back ran without them");
    }
}
