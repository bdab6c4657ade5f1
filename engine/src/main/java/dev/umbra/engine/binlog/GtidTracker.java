package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.GtidSet;
import com.github.shyiko.mysql.binlog.MariadbGtidSet;

/**
 * The GTID set of the complete transactions received so far: the start set plus the GTID of each
 * transaction once its commit arrives (a transaction cut off by a dropped connection is not in it,
 * so resuming from this set receives it again, whole).
 */
final class GtidTracker {

    private final GtidSet set;
    private String current;

    private GtidTracker(GtidSet set) {
        this.set = set;
    }

    static GtidTracker startingAt(String gtidSet) {
        return new GtidTracker(MariadbGtidSet.isMariaGtidSet(gtidSet) ? new MariadbGtidSet(gtidSet) : new GtidSet(gtidSet));
    }

    /** A GTID event: the transaction that follows has this GTID. */
    void begin(String gtid) {
        current = gtid;
    }

    /** The transaction that began last is complete. */
    void commit() {
        if (current != null) {
            set.add(current);
            current = null;
        }
    }

    void discardPartial() {
        current = null;
    }

    String snapshot() {
        return set.toString();
    }
}
