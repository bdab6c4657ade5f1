package dev.umbra.engine.verify;

import java.time.Duration;

/** Compares key ranges of the original and the ghost table at points where the two must be equal. */
interface ChunkComparer extends AutoCloseable {

    /**
     * Both sides' sums of the range; {@code stage} is the step's name for the progress, to which
     * a comparison that has to wait adds why.
     */
    ComparedChunk compare(KeyRange range, String stage) throws Exception;

    /** The longest a lock taken so far blocked writers of the original. */
    Duration longestLock();

    @Override
    void close();
}
