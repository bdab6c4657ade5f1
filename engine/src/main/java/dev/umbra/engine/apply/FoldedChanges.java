package dev.umbra.engine.apply;

import dev.umbra.engine.binlog.RowChange;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of the original's row changes folded to each migration key's final state: within a
 * batch applied in one transaction only that state matters (gh-ost applies one statement per
 * event, which is why it never finished under heavy writes: failure mode 3). An update that changes
 * the key leaves the old key gone and the new one with the row.
 */
final class FoldedChanges {

    /** One key's final state: {@code row} is its last image, null when the key is gone. */
    record FinalState(List<Object> key, Serializable[] keyImage, Serializable[] row) {
        boolean gone() {
            return row == null;
        }
    }

    private final List<Integer> keyIndexes;

    /** @param keyIndexes the migration key's columns, as places in the original's row images */
    FoldedChanges(List<Integer> keyIndexes) {
        this.keyIndexes = List.copyOf(keyIndexes);
    }

    /**
     * Every key the changes touch, with its final state: in ascending key order when the key is
     * numeric, in the order each key was first touched otherwise. The copy writes ghost rows in key
     * order; a batch that locks its rows in the same order rarely closes a cycle with a copy chunk,
     * whereas one in arrival order lost deadlock after deadlock to two copy workers under a
     * flat-out writer (the benchmark's case d) until its retries ran out. The order only decides
     * who waits for whom: any order writes the same rows.
     */
    List<FinalState> fold(List<RowChange> changes) {
        Map<Key, Serializable[]> finalState = new LinkedHashMap<>();
        for (RowChange change : changes) {
            switch (change.kind()) {
                case INSERT -> finalState.put(key(change.after()), change.after());
                case DELETE -> finalState.put(key(change.before()), null);
                case UPDATE -> {
                    Key before = key(change.before());
                    Key after = key(change.after());
                    if (!before.equals(after)) {
                        finalState.put(before, null);
                    }
                    finalState.put(after, change.after());
                }
            }
        }
        List<Map.Entry<Key, Serializable[]>> states = new ArrayList<>(finalState.entrySet());
        boolean numeric = states.stream().allMatch(state -> state.getKey().values().stream().allMatch(Number.class::isInstance));
        if (numeric) {
            states.sort((left, right) -> compareNumbers(left.getKey().values(), right.getKey().values()));
        }
        return states.stream().map(state -> new FinalState(state.getKey().values(), state.getKey().image(), state.getValue()))
                .toList();
    }

    private Key key(Serializable[] image) {
        Object[] values = new Object[keyIndexes.size()];
        for (int i = 0; i < values.length; i++) {
            Serializable value = image[keyIndexes.get(i)];
            values[i] = value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
        }
        return new Key(Arrays.asList(values), image);
    }

    private static int compareNumbers(List<Object> left, List<Object> right) {
        for (int i = 0; i < left.size(); i++) {
            Number a = (Number) left.get(i);
            Number b = (Number) right.get(i);
            int order = isIntegral(a) && isIntegral(b) ? Long.compare(a.longValue(), b.longValue())
                    : new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static boolean isIntegral(Number value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /** The migration-key values of a row image, compared by content (byte arrays included). */
    private record Key(List<Object> values, Serializable[] image) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && values.equals(key.values);
        }

        @Override
        public int hashCode() {
            return values.hashCode();
        }
    }
}
