package dev.umbra.engine.cutover;

import java.time.Duration;

/** One way of swapping the ghost table in for the original. */
public interface CutOver {

    /**
     * Makes one attempt. On success the ghost table carries the original's name and the original
     * is the old table. On failure everything the attempt created or locked is released and the
     * original is serving, untouched.
     *
     * @return how long writers were blocked
     */
    Duration attempt(CutOverContext context) throws CutOverAttemptException, InterruptedException;
}
