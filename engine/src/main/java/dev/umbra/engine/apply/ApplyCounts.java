package dev.umbra.engine.apply;

/**
 * What the binlog applier has done so far, for benchmarks and tests that check how it worked, not
 * only what it wrote.
 *
 * @param batches           batches of row changes written to the ghost table
 * @param slicedBatches     of those, batches written as several slices on several sessions at once
 * @param statements        INSERT and DELETE statements the writes took
 * @param lostLockContests  attempts that lost a deadlock or lock wait (each was retried)
 * @param leftToTheCopy     final row states not written because the copy had not reached their keys
 *                          yet (see {@link CopyFrontier})
 */
public record ApplyCounts(long batches, long slicedBatches, long statements, long lostLockContests, long leftToTheCopy) {

    public static final ApplyCounts NONE = new ApplyCounts(0, 0, 0, 0, 0);
}
