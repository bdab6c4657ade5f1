package dev.umbra.engine.unique;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rows the ghost table does not reflect because writing them collided with another row on a
 * unique key. Such a collision may be a real duplicate, or only a moment's view (the applier
 * writes older row images than the copy reads); either way the row is held here, never dropped,
 * until {@link ConflictResolver} has written its current state from the original table or proven
 * the duplicate real. While any row is held, the ghost is not a faithful copy: no verification
 * and no cut-over may rely on it.
 */
public final class HeldRows {

    private final Map<String, Held> rows = new ConcurrentHashMap<>();

    /** A held row: its key and why it was held (the server's message). Compared by identity. */
    public static final class Held {
        private final RowKey key;
        private final String reason;

        Held(RowKey key, String reason) {
            this.key = key;
            this.reason = reason;
        }

        public RowKey key() {
            return key;
        }

        public String reason() {
            return reason;
        }
    }

    public void hold(RowKey key, String reason) {
        rows.put(key.text(), new Held(key, reason));
    }

    /** Releases the row, unless it was held again (a newer collision) since {@code row} was read. */
    public void release(Held row) {
        rows.remove(row.key().text(), row);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public int size() {
        return rows.size();
    }

    public List<Held> snapshot() {
        return List.copyOf(rows.values());
    }
}
