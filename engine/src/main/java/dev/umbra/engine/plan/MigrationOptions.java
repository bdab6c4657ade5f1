package dev.umbra.engine.plan;

import dev.umbra.engine.throttle.ThrottleOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a migration runs. Defaults are the safe choice; each setter-style {@code with} returns a copy.
 *
 * @param chunkSize              rows of the first copy chunk (of every chunk when {@code chunkTime} is zero)
 * @param cutOverMethod          atomic (default) or two-step
 * @param cutOverLockTimeout     the longest writers may be blocked by one cut-over attempt
 * @param cutOverMaxAttempts     attempts before the migration fails (the original keeps serving)
 * @param autoApproveCutOver     cut over as soon as ready instead of waiting for approval
 * @param dropOldTable           drop {@code _<table>_del} after cut-over (default: keep it)
 * @param dropStaleGhostTable    drop helper tables left by an earlier run instead of refusing
 * @param dropStaleOldTable      drop an existing {@code _<table>_del} instead of refusing
 * @param applyBatchSize         most row changes applied in one transaction
 * @param heartbeatInterval      how often the changelog heartbeat is written
 * @param statusInterval         how often progress is published to the listener
 * @param verify                 compare the tables chunk by chunk before the cut-over (the
 *                               checksum), repairing or failing on a mismatch (default: on)
 * @param throttle               when copy and apply hold back (load, replica lag) or the migration aborts
 * @param reconnectTimeout       how long copy and apply keep reconnecting after losing the server
 *                               before the migration fails
 * @param resume                 resume an interrupted run from its checkpoint when the checkpoint is valid
 *                               (default); off: its helper tables count as stale
 * @param checkpointInterval     how often the checkpoint is saved while copying and waiting for the cut-over
 *                               (it is saved at each phase change too)
 * @param instantDdl             first try the ALTER on the table itself with {@code ALGORITHM=INSTANT}
 *                               (metadata only: no copy), falling back to the online copy when the
 *                               server refuses or the table's metadata lock is not granted in time
 * @param chunkTime              the time one copy chunk should take: chunk sizes adapt to it (see
 *                               {@code ChunkSizer}); zero keeps every chunk at {@code chunkSize} rows
 */
public record MigrationOptions(int chunkSize,
                               CutOverMethod cutOverMethod,
                               Duration cutOverLockTimeout,
                               int cutOverMaxAttempts,
                               boolean autoApproveCutOver,
                               boolean dropOldTable,
                               boolean dropStaleGhostTable,
                               boolean dropStaleOldTable,
                               int applyBatchSize,
                               Duration heartbeatInterval,
                               Duration statusInterval,
                               boolean verify,
                               ThrottleOptions throttle,
                               Duration reconnectTimeout,
                               boolean resume,
                               Duration checkpointInterval,
                               boolean instantDdl,
                               Duration chunkTime) {

    public MigrationOptions {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1, not " + chunkSize);
        }
        if (cutOverLockTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("cut-over lock timeout must be at least 1 second");
        }
        if (cutOverMaxAttempts < 1) {
            throw new IllegalArgumentException("cut-over attempts must be at least 1, not " + cutOverMaxAttempts);
        }
        if (applyBatchSize < 1) {
            throw new IllegalArgumentException("apply batch size must be at least 1");
        }
        Objects.requireNonNull(throttle, "throttle");
        if (reconnectTimeout.isNegative()) {
            throw new IllegalArgumentException("the reconnect timeout cannot be negative");
        }
        if (checkpointInterval.toMillis() < 1) {
            throw new IllegalArgumentException("the checkpoint interval must be positive");
        }
        if (chunkTime.isNegative()) {
            throw new IllegalArgumentException("chunk time must not be negative");
        }
    }

    public static MigrationOptions defaults() {
        return new MigrationOptions(1000, CutOverMethod.ATOMIC, Duration.ofSeconds(3), 10, false, false, false, false, 1000,
                Duration.ofMillis(500), Duration.ofSeconds(2), true, ThrottleOptions.none(),
                Duration.ofMinutes(2), true, Duration.ofSeconds(2), true, Duration.ofMillis(500));
    }

    public MigrationOptions withChunkSize(int value) {
        return new MigrationOptions(value, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval,
                statusInterval, verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withCutOverMethod(CutOverMethod value) {
        return new MigrationOptions(chunkSize, value, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver, dropOldTable,
                dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withCutOverLockTimeout(Duration value) {
        return new MigrationOptions(chunkSize, cutOverMethod, value, cutOverMaxAttempts, autoApproveCutOver, dropOldTable,
                dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withCutOverMaxAttempts(int value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, value, autoApproveCutOver, dropOldTable,
                dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withAutoApproveCutOver(boolean value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, value, dropOldTable,
                dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withDropOldTable(boolean value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver, value,
                dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withDropStaleGhostTable(boolean value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, value, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withDropStaleOldTable(boolean value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, value, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withApplyBatchSize(int value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, value, heartbeatInterval,
                statusInterval, verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withHeartbeatInterval(Duration value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, value, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withStatusInterval(Duration value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval,
                value, verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withVerify(boolean value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval,
                statusInterval, value, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withThrottle(ThrottleOptions value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval,
                statusInterval, verify, value, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withReconnectTimeout(Duration value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval,
                statusInterval, verify, throttle, value, resume, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withResume(boolean value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval,
                statusInterval, verify, throttle, reconnectTimeout, value, checkpointInterval, instantDdl, chunkTime);
    }

    public MigrationOptions withCheckpointInterval(Duration value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval,
                statusInterval, verify, throttle, reconnectTimeout, resume, value, instantDdl, chunkTime);
    }

    public MigrationOptions withInstantDdl(boolean value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, value, chunkTime);
    }

    public MigrationOptions withChunkTime(Duration value) {
        return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver,
                dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval,
                verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, value);
    }
}
