package dev.umbra.engine.verify;

import java.time.Duration;

/**
 * Both sides' sums of one key range at a point where they must be equal, and how long the lock
 * taken for that point blocked writers of the original.
 */
record ComparedChunk(ChunkChecksum.Sums original, ChunkChecksum.Sums ghost, Duration lockTime) {

    boolean matches() {
        return original.equals(ghost);
    }
}
