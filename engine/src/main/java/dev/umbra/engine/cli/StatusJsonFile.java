package dev.umbra.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.Verification;
import dev.umbra.engine.throttle.Hold;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --status-json} file: the latest progress snapshot as JSON, replaced atomically (a
 * temporary file in the same directory, then an atomic rename), so a reader never sees half a
 * document. Snapshots older than the one written last are skipped, because they arrive from more
 * than one thread.
 */
final class StatusJsonFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Path directory;
    private Instant lastWritten = Instant.MIN;

    StatusJsonFile(Path file) {
        this.file = file.toAbsolutePath();
        this.directory = this.file.getParent();
    }

    Path path() {
        return file;
    }

    /** Replaces the file's content with this snapshot, unless a newer one was written already. */
    synchronized void write(Progress progress) throws IOException {
        if (progress.at().isBefore(lastWritten)) {
            return;
        }
        byte[] content = JSON.writeValueAsBytes(Document.of(progress));
        Path temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.write(temporary, content);
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the default permissions
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        lastWritten = progress.at();
    }

    /** What the file holds; absent values are null. Never holds connection settings. */
    record Document(String phase, String stage, long rowsCopied, long rowsEstimated, double percent, Long etaSeconds,
                    long eventsApplied, long applyBacklog, Double secondsSinceLastApplied, String throttleReason,
                    String throttleKind, Map<String, Long> replicaLagMillis, int cutOverAttempts, Long lastLockMillis, Long verifyMillis, Integer verifyRepairedChunks,
                    String message, String at, CheckpointDocument checkpoint, RevertDocument revert) {

        static Document of(Progress progress) {
            return new Document(progress.phase().displayName(), progress.stage(), progress.rowsCopied(),
                    progress.rowsEstimated(), Math.round(progress.percent() * 10) / 10.0,
                    progress.eta().map(Duration::toSeconds).orElse(null), progress.eventsApplied(),
                    progress.applyBacklog(), progress.secondsSinceLastApplied().orElse(null),
                    progress.throttle().map(Hold::describe).orElse(null),
                    progress.throttle().map(hold -> hold.kind().name()).orElse(null), lagsInMillis(progress),
                    progress.cutOverAttempts(),
                    progress.lastLockTime().map(Duration::toMillis).orElse(null),
                    progress.verification().map(verification -> verification.duration().toMillis()).orElse(null),
                    progress.verification().map(Verification::repairedChunks).orElse(null), progress.message(),
                    progress.at().toString(), progress.checkpoint().map(CheckpointDocument::of).orElse(null),
                    progress.revert().map(RevertDocument::of).orElse(null));
        }
    }

    private static Map<String, Long> lagsInMillis(Progress progress) {
        Map<String, Long> lags = new LinkedHashMap<>();
        progress.replicaLag().forEach((replica, lag) -> lags.put(replica, lag.toMillis()));
        return lags;
    }

    /** The revert window after the cut-over, as the operator's status shows it. */
    record RevertDocument(String until, boolean reversible, Long lagMillis, String reason) {

        static RevertDocument of(dev.umbra.engine.progress.RevertWindow window) {
            return new RevertDocument(window.until().toString(), window.reversible(),
                    window.lag().map(Duration::toMillis).orElse(null), window.reason());
        }
    }

    /** The last checkpoint saved: where a killed run of the same command resumes. */
    record CheckpointDocument(String savedAt, String binlogFile, long binlogPosition, String gtidSet, long rowsCopied,
                              String watermark) {

        static CheckpointDocument of(dev.umbra.engine.checkpoint.Checkpoint checkpoint) {
            return new CheckpointDocument(checkpoint.savedAt().toString(), checkpoint.appliedPosition().file(),
                    checkpoint.appliedPosition().position(), checkpoint.appliedPosition().gtidSet(), checkpoint.rowsCopied(),
                    checkpoint.copyRange().map(range -> dev.umbra.engine.checkpoint.Checkpoint.displayKey(range.watermark()))
                            .orElse(null));
        }
    }
}
