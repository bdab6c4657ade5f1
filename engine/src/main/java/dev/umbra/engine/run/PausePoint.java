package dev.umbra.engine.run;

/**
 * Places in a migration where a test can hold the runner (on its own thread unless said), to open a race window deterministically
 * (see {@link RunHooks#onPause}). Production code never sets a hook.
 */
enum PausePoint {
    /** The binlog stream is proven live; the key range of the copy is not read yet. */
    BEFORE_RANGE_READ,
    /** The key range is read; no chunk is copied yet. */
    AFTER_RANGE_READ,
    /**
     * The checksum beside the copy is about to compare a range the copy has finished (reached on
     * the checksum's own thread, before each range).
     */
    BEFORE_COMPARING_DURING_COPY,
    /** The copy is over; the checksum after it has not started (ranges compared beside the copy may be pending). */
    BEFORE_VERIFY,
    /** The checksum copied its mismatched chunks again and has not compared them again yet. */
    AFTER_VERIFY_REPAIR
}
