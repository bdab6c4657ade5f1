package dev.umbra.engine.plan;

import dev.umbra.engine.logging.Diagnostics;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

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
 * @param copyWorkers            sessions copying chunks at the same time, over disjoint key ranges
 *                               (the chunk boundaries are read in order by one more session);
 *                               {@link #COPY_WORKERS_FOR_THE_SERVER} (the default) chooses when the copy starts
 * @param applySessions          sessions applying one batch of binlog changes at once, each a
 *                               disjoint run of its keys; the next batch starts when all have committed
 * @param diagnosticsIncludeStatements log other sessions' statements and sample row values where a
 *                               message leaves them out (a lock blocker's query, duplicate values);
 *                               off by default, and never in the reported messages either way
 * @param cutOverSchedule        when a cut-over attempt may start (windows, not before); any time by default
 * @param planApprovalRequired   inspect without creating anything, publish the plan, and wait for
 *                               {@code MigrationControl#approvePlan()} before the run creates its
 *                               helper tables (default: off, the run goes on at once)
 * @param revert                 whether the old table is kept in step after the cut-over so that the
 *                               swap can be undone (default: off)
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
                               Duration chunkTime,
                               int copyWorkers,
                               int applySessions,
                               boolean diagnosticsIncludeStatements,
                               CutOverSchedule cutOverSchedule,
                               boolean planApprovalRequired,
                               RevertOptions revert) {

    /** More sessions than this only queue on the server's locks and cores. */
    public static final int MAX_COPY_WORKERS = 16;
    /**
     * Copy workers chosen when the copy starts: two where chunks can run side by side (no chunk
     * holds the ghost's AUTO-INC lock for its statement), one elsewhere, where a second would only
     * wait for the first.
     */
    public static final int COPY_WORKERS_FOR_THE_SERVER = 0;

    /**
     * Enough to take a fair share of the server from many writer sessions (one applier among 16
     * writers fell behind for good on MySQL 5.7), few enough to leave slices of a useful size.
     */
    public static final int DEFAULT_APPLY_SESSIONS = 4;

    /** Beyond this, apply sessions only split batches into slices too small to be worth a statement. */
    public static final int MAX_APPLY_SESSIONS = 8;

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
        Objects.requireNonNull(cutOverSchedule, "cutOverSchedule");
        Objects.requireNonNull(revert, "revert");
        if (reconnectTimeout.isNegative()) {
            throw new IllegalArgumentException("the reconnect timeout cannot be negative");
        }
        if (checkpointInterval.toMillis() < 1) {
            throw new IllegalArgumentException("the checkpoint interval must be positive");
        }
        if (chunkTime.isNegative()) {
            throw new IllegalArgumentException("chunk time must not be negative");
        }
        if (copyWorkers < COPY_WORKERS_FOR_THE_SERVER || copyWorkers > MAX_COPY_WORKERS) {
            throw new IllegalArgumentException("copy workers must be between 1 and " + MAX_COPY_WORKERS
                    + " (or " + COPY_WORKERS_FOR_THE_SERVER + ": chosen for the server), not " + copyWorkers);
        }
        if (applySessions < 1 || applySessions > MAX_APPLY_SESSIONS) {
            throw new IllegalArgumentException("apply sessions must be between 1 and " + MAX_APPLY_SESSIONS + ", not "
                    + applySessions);
        }
    }

    public static MigrationOptions defaults() {
        return new MigrationOptions(1000, CutOverMethod.ATOMIC, Duration.ofSeconds(3), 10, false, false, false, false, 1000,
                Duration.ofMillis(500), Duration.ofSeconds(2), true, ThrottleOptions.none(),
                Duration.ofMinutes(2), true, Duration.ofSeconds(2), true, Duration.ofMillis(500), COPY_WORKERS_FOR_THE_SERVER, DEFAULT_APPLY_SESSIONS, false, CutOverSchedule.anyTime(),
                false, RevertOptions.off());
    }

    public MigrationOptions withChunkSize(int value) {
        return with(options -> options.chunkSize = value);
    }

    public MigrationOptions withCutOverMethod(CutOverMethod value) {
        return with(options -> options.cutOverMethod = value);
    }

    public MigrationOptions withCutOverLockTimeout(Duration value) {
        return with(options -> options.cutOverLockTimeout = value);
    }

    public MigrationOptions withCutOverMaxAttempts(int value) {
        return with(options -> options.cutOverMaxAttempts = value);
    }

    public MigrationOptions withAutoApproveCutOver(boolean value) {
        return with(options -> options.autoApproveCutOver = value);
    }

    public MigrationOptions withDropOldTable(boolean value) {
        return with(options -> options.dropOldTable = value);
    }

    public MigrationOptions withDropStaleGhostTable(boolean value) {
        return with(options -> options.dropStaleGhostTable = value);
    }

    public MigrationOptions withDropStaleOldTable(boolean value) {
        return with(options -> options.dropStaleOldTable = value);
    }

    public MigrationOptions withApplyBatchSize(int value) {
        return with(options -> options.applyBatchSize = value);
    }

    public MigrationOptions withHeartbeatInterval(Duration value) {
        return with(options -> options.heartbeatInterval = value);
    }

    public MigrationOptions withStatusInterval(Duration value) {
        return with(options -> options.statusInterval = value);
    }

    public MigrationOptions withVerify(boolean value) {
        return with(options -> options.verify = value);
    }

    public MigrationOptions withThrottle(ThrottleOptions value) {
        return with(options -> options.throttle = value);
    }

    public MigrationOptions withReconnectTimeout(Duration value) {
        return with(options -> options.reconnectTimeout = value);
    }

    public MigrationOptions withResume(boolean value) {
        return with(options -> options.resume = value);
    }

    public MigrationOptions withCheckpointInterval(Duration value) {
        return with(options -> options.checkpointInterval = value);
    }

    public MigrationOptions withInstantDdl(boolean value) {
        return with(options -> options.instantDdl = value);
    }

    public MigrationOptions withChunkTime(Duration value) {
        return with(options -> options.chunkTime = value);
    }

    public MigrationOptions withCopyWorkers(int value) {
        return with(options -> options.copyWorkers = value);
    }

    public MigrationOptions withApplySessions(int value) {
        return with(options -> options.applySessions = value);
    }

    public MigrationOptions withCutOverSchedule(CutOverSchedule value) {
        return with(options -> options.cutOverSchedule = value);
    }

    public MigrationOptions withPlanApprovalRequired(boolean value) {
        return with(options -> options.planApprovalRequired = value);
    }

    public MigrationOptions withRevert(RevertOptions value) {
        return with(options -> options.revert = value);
    }

    public MigrationOptions withDiagnosticsIncludeStatements(boolean value) {
        return with(options -> options.diagnosticsIncludeStatements = value);
    }

    /** Where details that can hold data go: the log, if {@link #diagnosticsIncludeStatements()}. */
    public Diagnostics diagnostics() {
        return Diagnostics.of(diagnosticsIncludeStatements);
    }

    private MigrationOptions with(Consumer<Changed> change) {
        Changed changed = new Changed(this);
        change.accept(changed);
        return changed.build();
    }

    /** A mutable copy, so that each {@code with} names only the one field it changes. */
    private static final class Changed {
        private int chunkSize;
        private CutOverMethod cutOverMethod;
        private Duration cutOverLockTimeout;
        private int cutOverMaxAttempts;
        private boolean autoApproveCutOver;
        private boolean dropOldTable;
        private boolean dropStaleGhostTable;
        private boolean dropStaleOldTable;
        private int applyBatchSize;
        private Duration heartbeatInterval;
        private Duration statusInterval;
        private boolean verify;
        private ThrottleOptions throttle;
        private Duration reconnectTimeout;
        private boolean resume;
        private Duration checkpointInterval;
        private boolean instantDdl;
        private Duration chunkTime;
        private int copyWorkers;
        private int applySessions;
        private boolean diagnosticsIncludeStatements;
        private CutOverSchedule cutOverSchedule;
        private boolean planApprovalRequired;
        private RevertOptions revert;

        private Changed(MigrationOptions from) {
            chunkSize = from.chunkSize();
            cutOverMethod = from.cutOverMethod();
            cutOverLockTimeout = from.cutOverLockTimeout();
            cutOverMaxAttempts = from.cutOverMaxAttempts();
            autoApproveCutOver = from.autoApproveCutOver();
            dropOldTable = from.dropOldTable();
            dropStaleGhostTable = from.dropStaleGhostTable();
            dropStaleOldTable = from.dropStaleOldTable();
            applyBatchSize = from.applyBatchSize();
            heartbeatInterval = from.heartbeatInterval();
            statusInterval = from.statusInterval();
            verify = from.verify();
            throttle = from.throttle();
            reconnectTimeout = from.reconnectTimeout();
            resume = from.resume();
            checkpointInterval = from.checkpointInterval();
            instantDdl = from.instantDdl();
            chunkTime = from.chunkTime();
            copyWorkers = from.copyWorkers();
            applySessions = from.applySessions();
            diagnosticsIncludeStatements = from.diagnosticsIncludeStatements();
            cutOverSchedule = from.cutOverSchedule();
            planApprovalRequired = from.planApprovalRequired();
            revert = from.revert();
        }

        private MigrationOptions build() {
            return new MigrationOptions(chunkSize, cutOverMethod, cutOverLockTimeout, cutOverMaxAttempts, autoApproveCutOver, dropOldTable, dropStaleGhostTable, dropStaleOldTable, applyBatchSize, heartbeatInterval, statusInterval, verify, throttle, reconnectTimeout, resume, checkpointInterval, instantDdl, chunkTime, copyWorkers, applySessions, diagnosticsIncludeStatements, cutOverSchedule, planApprovalRequired, revert);
        }
    }
}
