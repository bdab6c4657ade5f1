package dev.umbra.engine.progress;

import java.time.Duration;

/**
 * The outcome of the checksum before cut-over (the Verifying stage of Copying).
 *
 * @param duration         how long the checksum took after the copy, repairs included: what it added
 *                         to the migration's time
 * @param chunks           key ranges compared, those compared during the copy included
 * @param mismatchedChunks chunks whose row count or checksum differed at the first comparison
 * @param repairedChunks   chunk copies made to repair them (a chunk repaired twice counts twice)
 * @param longestLock      the longest one lock the checksum took on the original (a chunk's rows, or
 *                         the table for reading) blocked its writers
 * @param chunksDuringCopy of the chunks, those compared while the copy went on, behind it
 * @param durationDuringCopy how long those comparisons took, beside the copy
 */
public record Verification(Duration duration, int chunks, int mismatchedChunks, int repairedChunks,
                           Duration longestLock, int chunksDuringCopy, Duration durationDuringCopy) {
}
