package dev.umbra.engine.unique;

import dev.umbra.engine.sql.TransientErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Settles the rows held back by unique-key collisions (see {@link HeldRows}): each is written
 * again from its current state in the original table. A collision that was only a moment's view
 * goes away once the other row's newer state has been applied; one that stays after the applier
 * has caught up, round after round, is a real duplicate in the table, and fails the migration.
 */
public final class ConflictResolver {

    /** Refresh rounds, each after the applier caught up, before a collision counts as real. */
    static final int ROUNDS = 3;

    /** Waits until the applier has applied every binlog change written before the call. */
    @FunctionalInterface
    public interface CatchUp {
        void await() throws SQLException, InterruptedException;
    }

    private final String table;
    private final HeldRows held;
    private final RowRefresher refresher;
    private final CatchUp catchUp;

    public ConflictResolver(String table, HeldRows held, RowRefresher refresher, CatchUp catchUp) {
        this.table = table;
        this.held = held;
        this.refresher = refresher;
        this.catchUp = catchUp;
    }

    /**
     * Returns once no row is held; throws if rows stay held for {@value #ROUNDS} rounds, each
     * beginning after the applier caught up with the table.
     */
    public void settle(Connection connection) throws UniqueConflictException, SQLException, InterruptedException {
        for (int round = 1; !held.isEmpty(); round++) {
            if (round > 1) {
                catchUp.await();
            }
            refreshAll(connection);
            if (!held.isEmpty() && round >= ROUNDS) {
                throw UniqueConflictException.of(table, held.snapshot());
            }
        }
    }

    /** Refreshes each held row once; those that still collide stay held with the new reason. */
    public void refreshAll(Connection connection) throws SQLException, InterruptedException {
        for (HeldRows.Held row : held.snapshot()) {
            Optional<String> conflict = TransientErrors.retry(() -> refresher.refresh(connection, row.key()));
            if (conflict.isPresent()) {
                held.hold(row.key(), conflict.get());
            } else {
                held.release(row);
            }
        }
    }
}
