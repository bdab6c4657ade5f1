package dev.umbra.engine.unique;

import dev.umbra.engine.sql.TransientErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settles the rows held back by unique-key collisions (see {@link HeldRows}): each is written
 * again from its current state in the original table. A collision that was only a moment's view
 * goes away once the other row's newer state has been applied; one that stays after the applier
 * has caught up, round after round, is a real duplicate in the table, and fails the migration.
 */
public final class ConflictResolver {

    /** Passes without progress, each after the applier caught up, before a collision counts as real. */
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
     * Returns once no row is held. Rows are refreshed pass after pass while passes make progress
     * (a value handed from row to row needs the rows refreshed in the order it moved); when a
     * pass makes none, the applier catches up before the next. Throws if {@value #ROUNDS} passes,
     * each after catching up, make no progress: those rows collide in the table itself.
     */
    public void settle(Connection connection) throws UniqueConflictException, SQLException, InterruptedException {
        int fruitless = 0;
        while (!held.isEmpty()) {
            if (refreshAll(connection) > 0) {
                fruitless = 0;
                continue;
            }
            if (++fruitless >= ROUNDS) {
                throw UniqueConflictException.of(table, held.snapshot());
            }
            catchUp.await();
        }
    }

    /**
     * Writes these rows' current states from the original, pass after pass while passes make
     * progress; holds those that still collide. Returns how many were written.
     */
    public int writeOrHold(Connection connection, List<RowKey> keys) throws SQLException, InterruptedException {
        List<RowKey> pending = keys;
        Map<RowKey, String> collided = new LinkedHashMap<>();
        int written = 0;
        while (!pending.isEmpty()) {
            collided.clear();
            for (RowKey key : pending) {
                Optional<String> conflict = TransientErrors.retry(() -> refresher.refresh(connection, key));
                if (conflict.isPresent()) {
                    collided.put(key, conflict.get());
                } else {
                    written++;
                }
            }
            if (collided.size() == pending.size()) {
                break;
            }
            pending = new ArrayList<>(collided.keySet());
        }
        collided.forEach(held::hold);
        return written;
    }

    /**
     * Refreshes each held row once; those that still collide stay held with the new reason.
     * Returns how many were written.
     */
    public int refreshAll(Connection connection) throws SQLException, InterruptedException {
        int written = 0;
        for (HeldRows.Held row : held.snapshot()) {
            Optional<String> conflict = TransientErrors.retry(() -> refresher.refresh(connection, row.key()));
            if (conflict.isPresent()) {
                held.hold(row.key(), conflict.get());
            } else {
                held.release(row);
                written++;
            }
        }
        return written;
    }
}
