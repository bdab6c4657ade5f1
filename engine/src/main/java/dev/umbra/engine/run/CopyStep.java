package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.CopyFrontier;
import dev.umbra.engine.checkpoint.Checkpointer;
import dev.umbra.engine.checkpoint.CopyRange;
import dev.umbra.engine.copy.AutoIncrementLock;
import dev.umbra.engine.copy.ChunkCopier;
import dev.umbra.engine.copy.ChunkSizer;
import dev.umbra.engine.copy.ParallelCopy;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.logging.LogContext;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.sql.ReconnectingSession;
import dev.umbra.engine.verify.ChecksumBehindCopy;
import dev.umbra.engine.verify.TableVerifier;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunked copy of the original's rows into the ghost table, from where a checkpoint left it if
 * there is one. Each chunk first asks the gate, and waits while the applier retries a batch that
 * lost a lock contest to a chunk, or, where chunks hold the AUTO-INC lock, for the applier's turn
 * (see {@link ApplierTurns}).
 */
final class CopyStep implements RunStep {

    private static final Logger log = LoggerFactory.getLogger(CopyStep.class);
    private static final int WORKERS_WHERE_CHUNKS_RUN_SIDE_BY_SIDE = 2;
    /** With fixed-size chunks (no chunk time), how long a chunk or a range of the checksum may hold its rows. */
    private static final Duration FIXED_CHUNKS_LOCK_BUDGET = Duration.ofMillis(500);

    private MigrationSession session;
    private MigrationPlan plan;
    private MigrationOptions options;
    private Inspection inspection;
    private BinlogPipeline pipeline;
    private Checkpointer checkpointer;
    private RunState state;
    private WorkGate gate;
    /** Sizes copy chunks; its final size also sizes the checksum's chunks. */
    private volatile ChunkSizer sizer;
    /** The checksum's first pass, comparing what the copy has committed; empty where it runs after the copy. */
    private volatile Optional<ChecksumBehindCopy> checksumBehind = Optional.empty();

    @Override
    public Next run(MigrationSession session) throws Exception {
        this.session = session;
        this.plan = session.plan;
        this.options = session.options;
        this.inspection = session.inspection;
        this.pipeline = session.pipeline;
        this.checkpointer = session.checkpointer;
        this.state = session.state;
        this.gate = session.gate;
        session.tracker.enter(Phase.COPYING, "copying rows");
        session.copy = this;
        copy();
        session.settleConflicts();
        return Next.GO_ON;
    }

    private void copy() throws SQLException, MigrationAbortedException, MigrationFailedException, InterruptedException {
        ChunkCopier copier = new ChunkCopier(plan.schema(), plan.table(), inspection.helpers().ghost(), inspection.mapping(),
                pipeline.conflictClause(), pipeline.conflicts(), inspection.server().sharedLockThatNeedNotWait(), rowLockBudget());
        Optional<CopyRange> saved = checkpointer.copyRange();
        Optional<List<Object>> upper;
        try (ReconnectingSession reading = new ReconnectingSession("copy", session.connections, options.reconnectTimeout())) {
            upper = saved.isPresent() ? remaining(saved.get()) : readUpperBound(copier, reading);
        }
        state.copyStartedAt = Instant.now();
        if (upper.isPresent()) {
            sizer = new ChunkSizer(options.chunkSize(), options.chunkTime());
            boolean planAhead;
            try (ReconnectingSession probing = new ReconnectingSession("copy", session.connections, options.reconnectTimeout())) {
                planAhead = !probing.run(connection -> AutoIncrementLock.heldByEachChunk(connection, plan.schema(),
                        inspection.helpers().ghost()));
            }
            List<Object> from = saved.map(CopyRange::resumeAfter).orElse(null);
            CopyFrontier frontier = pipeline.copyFrontier();
            int workers = copyWorkers(planAhead);
            ApplierTurns turns = new ApplierTurns(pipeline.applyLoop(), !planAhead);
            try (ParallelCopy parallel = new ParallelCopy(copier, sizer, workers, planAhead, session.connections,
                    options.reconnectTimeout(), LogContext.capture().threadFactory("umbra-copy-" + plan.table()))) {
                boolean leavingChangesToTheCopy = openFrontier(copier, from, upper.get());
                Optional<ChecksumBehindCopy> behind = startChecksumBehind(from);
                checksumBehind = behind;
                parallel.copy(from, upper.get(), () -> {
                    do {
                        gate.check();
                    } while (gate.holdForThrottle() || yieldToTheApplier() || turns.applierTurn());
                }, (watermark, rows) -> {
                    state.rowsCopied += rows;
                    checkpointer.chunkCopied(watermark, state.rowsCopied);
                    behind.ifPresent(checksum -> checksum.copiedUpTo(watermark, rows));
                }, end -> {
                    if (leavingChangesToTheCopy) {
                        frontier.handingOut(end.get(0));
                    }
                });
            } catch (SQLException | MigrationAbortedException | MigrationFailedException | InterruptedException
                     | RuntimeException e) {
                closeChecksumBehind();
                throw e;
            } catch (Exception e) {
                closeChecksumBehind();
                throw new IllegalStateException("the copy failed", e);
            } finally {
                frontier.close();
            }
        }
        checkpointer.copyFinished(state.rowsCopied);
        state.copyFinishedAt = Instant.now();
    }

    /**
     * The copy workers asked for, or where the server's are to be chosen: two where chunks hold no
     * AUTO-INC lock (they run side by side: at 1M rows on MySQL 8.0, 10-30% faster on two cores),
     * one where each chunk holds it (a second worker only waits for it: no faster on MariaDB 11.4).
     */
    private int copyWorkers(boolean chunksRunSideBySide) {
        if (options.copyWorkers() != MigrationOptions.COPY_WORKERS_FOR_THE_SERVER) {
            return options.copyWorkers();
        }
        int workers = chunksRunSideBySide ? WORKERS_WHERE_CHUNKS_RUN_SIDE_BY_SIDE : 1;
        log.info("The copy of `{}` uses {} worker(s): {}", plan.table(), workers, chunksRunSideBySide
                ? "its chunks hold no AUTO-INC lock and can run side by side"
                : "each chunk holds the ghost table's AUTO-INC lock (innodb_autoinc_lock_mode below 2), so a second would"
                        + " only wait for it");
        return workers;
    }

    /**
     * Rows per checksum chunk: as many as the copy's chunks had grown to (at least the first
     * chunk's size). A checksum chunk reads a snapshot without locks, so only its per-chunk round
     * trips count, and a chunk found different is copied again with the lock footprint of a copy
     * chunk. With fixed chunks (chunk time 0), the chunk size.
     */
    int checksumChunkRows() {
        ChunkSizer copied = sizer;
        if (copied == null) {
            return options.chunkSize();
        }
        synchronized (copied) { // the copy's workers resize it
            return Math.max(options.chunkSize(), copied.next());
        }
    }

    /**
     * How long a copy chunk, or a range the checksum compares beside the copy, may hold its rows
     * while it waits for rows other transactions hold: a copy chunk's time, so that writers wait
     * for them no longer than for the copy's own statements.
     */
    private Duration rowLockBudget() {
        return options.chunkTime().isZero() ? FIXED_CHUNKS_LOCK_BUDGET : options.chunkTime();
    }

    /**
     * Starts the checksum's first pass beside a copy that begins at the table's first key (see
     * {@link ChecksumBehindCopy}); a resumed copy's earlier rows are compared after it, with the rest.
     */
    private Optional<ChecksumBehindCopy> startChecksumBehind(List<Object> from) throws SQLException {
        if (!options.verify() || from != null) {
            return Optional.empty();
        }
        return ChecksumBehindCopy.start(VerifyStep.context(session, checksumChunkRows(), state.rowsEstimated),
                this::checksumChunkRows, rowLockBudget(), new TableVerifier.Observer() {
                    @Override
                    public void stage(String stage) {
                        // the copy's stage stays the run's
                    }

                    @Override
                    public void checkpoint() throws Exception {
                        gate.awaitWorkMayGoOn();
                    }

                    @Override
                    public void afterRepair() {
                        // nothing is repaired during the copy
                    }

                    @Override
                    public void beforeComparingDuringCopy() throws Exception {
                        session.pause(PausePoint.BEFORE_COMPARING_DURING_COPY);
                    }
                }, LogContext.capture().threadFactory("umbra-checksum-" + plan.table()));
    }

    /** Hands the checksum's first pass to the checksum after the copy, which finishes and closes it. */
    Optional<ChecksumBehindCopy> takeChecksumBehind() {
        Optional<ChecksumBehindCopy> behind = checksumBehind;
        checksumBehind = Optional.empty();
        return behind;
    }

    /** Stops the checksum's first pass if nothing took it (the copy failed, or the run ended before the checksum). */
    void closeChecksumBehind() {
        takeChecksumBehind().ifPresent(ChecksumBehindCopy::close);
    }

    /** The first run of the copy: reads the key range and saves it, so a resumed run keeps it. */
    private Optional<List<Object>> readUpperBound(ChunkCopier copier, ReconnectingSession reading)
            throws SQLException, MigrationFailedException, InterruptedException {
        session.pause(PausePoint.BEFORE_RANGE_READ);
        Optional<List<Object>> upper = reading.run(copier::upperBound);
        session.pause(PausePoint.AFTER_RANGE_READ);
        checkpointer.copyBegan(upper);
        session.saveCheckpoint(state.phase);
        return upper;
    }

    /** A resumed copy's upper bound: the one the first run read (rows above it come through the binlog). */
    private static Optional<List<Object>> remaining(CopyRange range) {
        return range.done() ? Optional.empty() : Optional.ofNullable(range.upperInclusive());
    }

    /**
     * Lets the applier leave changes to keys the copy has not reached to the copy (see {@link
     * CopyFrontier}), where the key allows it and the applier stops between batches within a few
     * seconds: while it is stopped, the ghost's rows in the range still to copy (written by the
     * applier before, or copied above the checkpoint by an interrupted run) are deleted, since the
     * copy writes them again and a skipped delete must not leave one behind; then the frontier opens.
     */
    private boolean openFrontier(ChunkCopier copier, List<Object> from, List<Object> upper)
            throws SQLException, InterruptedException {
        if (!CopyFrontier.appliesTo(inspection.mapping())) {
            return false;
        }
        Optional<ApplyLoop.TakeOver> stopped = pipeline.applyLoop().takeOver(Duration.ofSeconds(5));
        if (stopped.isEmpty()) {
            log.info("The binlog applier did not stop between batches within 5 s; it applies every change during the copy");
            return false;
        }
        try (ApplyLoop.TakeOver applierStopped = stopped.get();
             ReconnectingSession clearing = new ReconnectingSession("copy", session.connections, options.reconnectTimeout())) {
            long cleared = clearing.run(connection -> copier.clearGhostRange(connection, from, upper));
            boolean opened = pipeline.copyFrontier().open(from == null ? null : from.get(0), upper.get(0));
            log.debug("Copy frontier {} over ({}, {}]; {} ghost rows in it deleted first", opened ? "opened" : "not opened",
                    from, upper, cleared);
            return opened;
        }
    }

    /**
     * Holds the next copy chunk while the binlog applier's batch is being retried after losing a
     * deadlock to a chunk (see {@code ApplyLoop.needsTheCopyToYield}): the chunk in flight ends,
     * the batch goes through, the copy goes on.
     */
    private boolean yieldToTheApplier() throws InterruptedException {
        if (pipeline.applyLoop().needsTheCopyToYield()) {
            Thread.sleep(10);
            return true;
        }
        return false;
    }
}
