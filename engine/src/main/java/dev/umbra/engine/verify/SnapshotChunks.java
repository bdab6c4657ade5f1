package dev.umbra.engine.verify;

import dev.umbra.engine.logging.LogContext;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares ranges at one consistent point of both tables (see {@link ConsistentSnapshot}), for
 * tables whose key ranges do not select the same rows on both sides. Each range's two sums are
 * computed side by side, the original's on the snapshot's first session and the ghost's on its
 * second: on a server with a core to spare that halves the time.
 */
final class SnapshotChunks implements ChunkComparer {

    private final ChunkChecksum checksum;
    private final ConsistentSnapshot snapshot;
    private final ExecutorService ghostSide;

    private SnapshotChunks(VerifyContext context, ChunkChecksum checksum, ConsistentSnapshot snapshot) {
        this.checksum = checksum;
        this.snapshot = snapshot;
        this.ghostSide = Executors.newSingleThreadExecutor(
                LogContext.capture().threadFactory("umbra-checksum-" + context.original()));
    }

    static SnapshotChunks open(VerifyContext context, ChunkChecksum checksum, TableVerifier.Observer observer)
            throws Exception {
        return new SnapshotChunks(context, checksum, ConsistentSnapshot.open(context, observer));
    }

    @Override
    public ComparedChunk compare(KeyRange range, String stage) throws Exception {
        Future<ChunkChecksum.Sums> ghostSums = ghostSide.submit(() -> checksum.ghost(snapshot.ghostSession(), range));
        ChunkChecksum.Sums original = checksum.original(snapshot.session(), range);
        try {
            return new ComparedChunk(original, ghostSums.get(), snapshot.lockTime());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    public Duration longestLock() {
        return snapshot.lockTime();
    }

    @Override
    public void close() {
        ghostSide.shutdownNow();
        snapshot.close();
    }
}
