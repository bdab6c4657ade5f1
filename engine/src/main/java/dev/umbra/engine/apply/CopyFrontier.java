package dev.umbra.engine.apply;

import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import java.math.BigDecimal;

/**
 * Which keys the chunk copy has not reached yet: a binlog change to such a key need not be applied,
 * because the chunk that covers the key will read the row as it is then, this change included. Under
 * a writer spread over the table, that spares the applier about half of the changes made during the
 * copy (all of them at its start, none at its end).
 *
 * <p>Why skipping is safe (docs/engine.md, "Changes the copy will read anyway"):
 * <ul>
 *   <li>A change reaches the applier only after its transaction wrote its commit to the binlog.</li>
 *   <li>{@link #handingOut} moves the frontier to a chunk's end before the chunk's locking read
 *       begins. So if the applier finds a key above the frontier, the chunk that covers it is handed
 *       out later, and its locking read either sees the commit or waits for the transaction's row
 *       locks, and then sees it.</li>
 *   <li>The chunks tile the whole range up to the copy's upper bound, the last one reaching it
 *       whether or not the planner found rows there. Keys above the upper bound are never skipped:
 *       no chunk covers them.</li>
 *   <li>Ghost rows in the range that the applier wrote before the frontier opened are deleted when
 *       it opens (the copy writes them again from the table): a later delete of such a row is
 *       skipped, and the row must not outlive it.</li>
 * </ul>
 *
 * <p>Only for a migration key of one integer column in both tables, whose numeric order is the
 * order the copy walks; closed (nothing skipped) before the copy begins and once it has ended.
 */
public final class CopyFrontier {

    /** Keys above {@code handedOut} (none handed out: null) and up to {@code upper} are not reached yet. */
    private record Open(BigDecimal handedOut, BigDecimal upper) {
    }

    private volatile Open open;

    /**
     * Whether the frontier can judge the migration key: one column, an integer in both tables, so
     * that the copy's key order is numeric order and a binlog value compares with the chunk bounds.
     */
    public static boolean appliesTo(ColumnMapping mapping) {
        return keyIndex(mapping) >= 0;
    }

    /** The key's place in the original's row images where the frontier applies to it; -1 where it does not. */
    static int keyIndex(ColumnMapping mapping) {
        if (mapping.key().size() != 1) {
            return -1;
        }
        MappedColumn key = mapping.key().get(0);
        return key.integerInBoth() ? key.originalIndex() : -1;
    }

    /**
     * Starts skipping: the copy will read every key above {@code lowerExclusive} (null: every key)
     * up to {@code upperInclusive}. Call it while no apply batch is being written, after the ghost's
     * rows in that range are gone. Returns false, skipping nothing, if a bound is not a number.
     */
    public boolean open(Object lowerExclusive, Object upperInclusive) {
        BigDecimal upper = numeric(upperInclusive);
        BigDecimal lower = lowerExclusive == null ? null : numeric(lowerExclusive);
        if (upper == null || (lowerExclusive != null && lower == null)) {
            return false;
        }
        open = new Open(lower, upper);
        return true;
    }

    /** A chunk ending at {@code end} is about to be read: changes to keys up to it are applied from now on. */
    public void handingOut(Object end) {
        Open current = open;
        if (current != null) {
            BigDecimal value = numeric(end);
            // a bound that is not a number cannot be compared: apply every change from here on, as without a frontier
            open = value == null ? null : new Open(value, current.upper());
        }
    }

    /** The copy has ended (or stopped): every change is applied again. */
    public void close() {
        open = null;
    }

    /** Whether a change to this key value may be left to the copy. */
    boolean notReachedYet(Number key) {
        Open current = open;
        if (current == null || key == null) {
            return false;
        }
        BigDecimal value = decimal(key);
        return value.compareTo(current.upper()) <= 0
                && (current.handedOut() == null || value.compareTo(current.handedOut()) > 0);
    }

    private static BigDecimal decimal(Number value) {
        return value instanceof BigDecimal exact ? exact : new BigDecimal(value.toString());
    }

    /** A key bound as the copy read it (a TINYINT(1) key may come back as a Boolean); null if not a number. */
    private static BigDecimal numeric(Object value) {
        if (value instanceof Number number) {
            return decimal(number);
        }
        if (value instanceof Boolean flag) {
            return flag ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        return null;
    }
}
