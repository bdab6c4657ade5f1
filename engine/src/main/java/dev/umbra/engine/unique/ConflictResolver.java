package dev.umbra.engine.unique;

import dev.umbra.engine.logging.Diagnostics;
import dev.umbra.engine.sql.TransientErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Settles the rows held back by unique-key collisions (see {@link HeldRows}): each is written
 * again from its current state in the original table. A collision that was only a moment's view
 * goes away once the other row's newer state has been applied; one that stays after the applier
 * has caught up, round after round, is a real duplicate in the table, and fails the migration.
 */
public final class ConflictResolver {

    /**
     * Passes, each after the applier caught up, that must find exactly the same collisions (same
     * rows, same values) before they count as real duplicates in the table.
     */
    static final int ROUNDS = 3;

    /**
     * Passes without progress after which rows that keep colliding, on values that keep changing,
     * fail the migration anyway: a workload that moves values so fast that a row never settles.
     */
    static final int MAX_FRUITLESS_PASSES = 200;

    private static final long BACKOFF_MILLIS = 20;
    private static final long MAX_BACKOFF_MILLIS = 500;

    /** Waits until the applier has applied every binlog change written before the call. */
    @FunctionalInterface
    public interface CatchUp {
        void await() throws SQLException, InterruptedException;
    }

    private final String table;
    private final HeldRows held;
    private final RowRefresher refresher;
    private final CatchUp catchUp;
    private final Diagnostics diagnostics;

    public ConflictResolver(String table, HeldRows held, RowRefresher refresher, CatchUp catchUp, Diagnostics diagnostics) {
        this.table = table;
        this.diagnostics = diagnostics;
        this.held = held;
        this.refresher = refresher;
        this.catchUp = catchUp;
    }

    /**
     * Returns once no row is held. Rows are refreshed pass after pass while passes make progress
     * (a value handed from row to row needs the rows refreshed in the order it moved); when a
     * pass makes none, the applier catches up before the next, after a growing pause.
     *
     * <p>A row read from the original after the catch-up can hold a value that another row still
     * has in the ghost table, because that row's newer image was written after the catch-up's
     * marker: under a writer that moves values from row to row, a pass can fail for that reason
     * alone. Such collisions name ever different values. Only collisions that stay exactly the same
     * (rows and values) over {@value #ROUNDS} spaced passes are duplicates in the table itself.
     */
    public void settle(Connection connection) throws UniqueConflictException, SQLException, InterruptedException {
        int unchanged = 0;
        int fruitless = 0;
        Set<String> previous = Set.of();
        while (!held.isEmpty()) {
            if (refreshAll(connection) > 0) {
                unchanged = 0;
                continue;
            }
            Set<String> collisions = collisions();
            unchanged = collisions.equals(previous) ? unchanged + 1 : 1;
            previous = collisions;
            if (unchanged >= ROUNDS || ++fruitless >= MAX_FRUITLESS_PASSES) {
                throw UniqueConflictException.of(table, held.snapshot(), diagnostics);
            }
            Thread.sleep(Math.min(MAX_BACKOFF_MILLIS, BACKOFF_MILLIS << Math.min(fruitless, 10)));
            catchUp.await();
        }
    }

    private Set<String> collisions() {
        Set<String> collisions = new HashSet<>();
        for (HeldRows.Held row : held.snapshot()) {
            collisions.add(row.key().text() + " " + row.reason());
        }
        return collisions;
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
