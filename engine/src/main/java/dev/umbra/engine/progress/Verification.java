package dev.umbra.engine.progress;

import java.time.Duration;

/**
 * The outcome of the checksum before cut-over (the Verifying stage of Copying).
 *
 * @param duration         how long the whole checksum took, repairs included
 * @param chunks           key ranges compared
 * @param mismatchedChunks chunks whose row count or checksum differed at the first comparison
 * @param repairedChunks   chunk copies made to repair them (a chunk repaired twice counts twice)
 * @param longestLock      the longest one lock the checksum took on the original (a chunk's rows, or
 *                         the table for reading) blocked its writers
 */
public record Verification(Duration duration, int chunks, int mismatchedChunks, int repairedChunks,
                           Duration longestLock) {
}
