package dev.umbra.engine.apply;

import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.binlog.BinlogTransaction;
import dev.umbra.engine.binlog.TransactionQueue;
import dev.umbra.engine.binlog.RowChange;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.TransientErrors;
import dev.umbra.engine.unique.HeldRows;
import dev.umbra.engine.logging.LogContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that takes received transactions and applies them to the ghost table in batches,
 * concurrently with the chunk copy. It also watches the changelog's markers and heartbeat.
 *
 * <p>At cut-over on servers where one session must both hold the table locks and write the ghost
 * table, the cut-over takes the apply lock and drains the backlog through its own locked
 * connection with {@link #drainUntilMarker}.
 */
public final class ApplyLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);

    private final TransactionQueue queue;
    private final ChangeApplier applier;
    private final String originalTable;
    private final String changelogTable;
    private final Connections connections;
    private final BooleanSupplier paused;
    private final int batchSize;
    private final int applySessions;
    private final HeldRows held;
    private final Duration reconnectTimeout;
    /** Fair: the loop re-takes it every 100 ms, and an unfair lock let it starve a waiting cut-over. */
    private final ReentrantLock applyLock = new ReentrantLock(true);
    private final Set<String> markersSeen = new HashSet<>();
    private final AtomicLong eventsApplied = new AtomicLong();

    private volatile Instant lastAppliedAt;
    private volatile BinlogPosition appliedPosition;
    private volatile long heartbeatLagMillis = -1;
    private volatile Instant heartbeatWrittenAt;
    private volatile Exception failure;
    private volatile boolean revertRequested;
    /** A batch taken from the queue whose apply failed; applied first next time. Guarded by applyLock. */
    private List<BinlogTransaction> unapplied;
    private volatile boolean running;
    /** The batch being applied lost a deadlock or lock wait and is not applied yet. */
    private volatile boolean losingToTheCopy;
    private final AtomicLong lostToTheCopy = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong slicedBatches = new AtomicLong();
    private Thread thread;

    /**
     * @param held rows the applier could not write because they collided on a unique key; while any
     *             is held, {@link #awaitMarker} and {@link #drainUntilMarker} report the ghost as not
     *             caught up
     * @param reconnectTimeout how long the loop keeps reopening its sessions after losing the server
     *             (each batch is applied again whole on the new sessions) before it fails
     * @param applySessions sessions that write one batch's slices at once (see {@link ApplySessions})
     */
    public ApplyLoop(TransactionQueue queue, ChangeApplier applier, String originalTable,
                     String changelogTable, Connections connections, BooleanSupplier paused, int batchSize,
                     HeldRows held, Duration reconnectTimeout, int applySessions) {
        this.applySessions = applySessions;
        this.reconnectTimeout = reconnectTimeout;
        this.queue = queue;
        this.applier = applier;
        this.originalTable = originalTable;
        this.changelogTable = changelogTable;
        this.connections = connections;
        this.paused = paused;
        this.batchSize = batchSize;
        this.held = held;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(LogContext.capture().wrap(this::run), "umbra-apply-" + originalTable);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (ApplySessions sessions = new ApplySessions(applySessions, originalTable, connections, reconnectTimeout)) {
            // An apply batch writes final row states in one transaction per slice, so running it
            // again on new sessions (whether or not the lost ones committed) leaves the same rows.
            BatchWriter writer = changes -> {
                List<List<RowChange>> slices = applier.split(changes, sessions.count());
                sessions.writeAll(slices, (session, slice) -> session.run(connection -> applyNoting(connection, slice)));
                if (slices.size() > 1) {
                    slicedBatches.incrementAndGet();
                }
            };
            while (running) {
                if (paused.getAsBoolean()) {
                    Thread.sleep(50);
                    continue;
                }
                applyLock.lockInterruptibly();
                try {
                    if (!running) {
                        break; // the cut-over finished applying while we waited
                    }
                    applyOnce(writer, 100);
                } finally {
                    applyLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            log.error("Applying binlog changes to the ghost table failed", e);
        }
    }

    private int applyNoting(Connection connection, List<RowChange> changes) throws SQLException {
        try {
            return applier.apply(connection, changes);
        } catch (SQLException e) {
            if (TransientErrors.isLockContention(e)) {
                if (!losingToTheCopy) {
                    log.warn("An apply batch lost a lock contest on the ghost table ({}); the copy holds its next"
                            + " chunk until the batch is applied", e.getMessage());
                }
                losingToTheCopy = true;
                lostToTheCopy.incrementAndGet();
            }
            throw e;
        }
    }

    /**
     * Whether the copy should hold its next chunk: the apply batch lost a deadlock or a lock wait
     * and has not been applied since. On servers with {@code innodb_autoinc_lock_mode=1} (MariaDB,
     * MySQL 5.7) every copy chunk holds the ghost's AUTO-INC lock for its whole statement; a batch
     * that locked ghost rows and then waits for that lock deadlocks with a chunk that reaches those
     * rows, and InnoDB picks the batch, the smaller transaction. With chunks back to back the retry
     * met the next chunk the same way until its attempts ran out (the 1M-row benchmark, case c).
     */
    public boolean needsTheCopyToYield() {
        return losingToTheCopy;
    }

    public ApplyCounts counts() {
        return new ApplyCounts(batches.get(), slicedBatches.get(), applier.statements(), lostToTheCopy.get(),
                applier.leftToTheCopy());
    }

    /** Writes one batch of row changes to the ghost table. */
    @FunctionalInterface
    private interface BatchWriter {
        void write(List<RowChange> changes) throws SQLException, InterruptedException;
    }

    /** Applies one batch of whatever is queued, waiting up to {@code waitMillis} for the first transaction. */
    private int applyOnce(BatchWriter writer, long waitMillis) throws SQLException, InterruptedException {
        List<BinlogTransaction> batch = unapplied;
        unapplied = null;
        if (batch == null) {
            batch = takeBatch(waitMillis);
            if (batch == null) {
                return 0;
            }
        }
        try {
            return apply(writer, batch);
        } catch (SQLException | RuntimeException e) {
            // Taken from the queue but not applied (say the cut-over's session was killed): keep it
            // for whoever applies next, or those changes would never reach the ghost table.
            unapplied = batch;
            throw e;
        }
    }

    private List<BinlogTransaction> takeBatch(long waitMillis) throws InterruptedException {
        BinlogTransaction first = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return null;
        }
        List<BinlogTransaction> batch = new ArrayList<>();
        batch.add(first);
        int changes = first.changes().size();
        while (changes < batchSize) {
            BinlogTransaction next = queue.poll();
            if (next == null) {
                break;
            }
            batch.add(next);
            changes += next.changes().size();
        }
        return batch;
    }

    private int apply(BatchWriter writer, List<BinlogTransaction> batch) throws SQLException, InterruptedException {
        List<RowChange> originalChanges = new ArrayList<>();
        List<RowChange> changelogChanges = new ArrayList<>();
        for (BinlogTransaction transaction : batch) {
            for (RowChange change : transaction.changes()) {
                // The original's changes and, with cascading foreign keys, its parents' (see ParentCascades).
                (change.table().equals(changelogTable) ? changelogChanges : originalChanges).add(change);
            }
        }
        if (!originalChanges.isEmpty()) {
            writer.write(originalChanges);
            batches.incrementAndGet();
            losingToTheCopy = false;
            eventsApplied.addAndGet(originalChanges.size());
            lastAppliedAt = Instant.now();
        }
        for (BinlogTransaction transaction : batch) {
            if (transaction.endsTransaction()) {
                appliedPosition = transaction.end(); // a piece of a larger transaction is no place to resume from
            }
        }
        for (RowChange change : changelogChanges) {
            Changelog.entryOf(change.after()).ifPresent(this::onChangelogEntry);
        }
        return originalChanges.size();
    }

    private void onChangelogEntry(Changelog.Entry entry) {
        if (Changelog.MARKER.equals(entry.kind())) {
            synchronized (markersSeen) {
                markersSeen.add(entry.value());
                markersSeen.notifyAll();
            }
        } else if (Changelog.REVERT_REQUEST.equals(entry.kind())) {
            revertRequested = true;
        } else if (Changelog.HEARTBEAT.equals(entry.kind())) {
            try {
                long writtenAt = Long.parseLong(entry.value());
                heartbeatLagMillis = Math.max(0, System.currentTimeMillis() - writtenAt);
                heartbeatWrittenAt = Instant.ofEpochMilli(writtenAt);
            } catch (NumberFormatException ignored) {
                // not ours
            }
        }
    }

    /**
     * Waits until the marker has come back through the binlog and everything before it is applied,
     * and returns whether the ghost table now reflects all of it: false (at once) if some row is
     * held back by a unique-key collision, or if the marker did not come back within the timeout.
     */
    public boolean awaitMarker(String marker, Duration timeout) throws InterruptedException {
        return awaitMarkerApplied(marker, timeout) && held.isEmpty();
    }

    /**
     * Waits until the marker has come back through the binlog and everything before it is applied,
     * whether or not rows are held back by unique-key collisions.
     */
    public boolean awaitMarkerApplied(String marker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (markersSeen) {
            while (!markersSeen.contains(marker)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || failure != null) {
                    return false;
                }
                markersSeen.wait(Math.min(left, 100));
            }
            return true;
        }
    }

    /** Holds the apply lock while open; the calling thread may then apply through its own connection. */
    public interface TakeOver extends AutoCloseable {
        /**
         * Ends applying for good, before the lock is released: after a successful swap, binlog
         * events under the original's name belong to the new table and must not be applied.
         */
        void finishApplying();

        @Override
        void close();
    }

    /**
     * Stops the loop thread after its current batch until the returned handle is closed, so that a
     * cut-over can lock the ghost table without the loop blocking on it. Empty if the loop did not
     * finish its batch within the timeout.
     */
    public java.util.Optional<TakeOver> takeOver(Duration timeout) throws InterruptedException {
        if (!applyLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new TakeOver() {
            @Override
            public void finishApplying() {
                running = false;
            }

            @Override
            public void close() {
                applyLock.unlock();
            }
        });
    }

    /**
     * Takes over applying: the loop thread stops after its current batch, and the caller applies
     * through {@code connection} until the marker comes back, within the timeout. Returns false
     * if it did not come back in time, or if some row is held back by a unique-key collision.
     */
    public boolean drainUntilMarker(Connection connection, String marker, Duration timeout)
            throws SQLException, InterruptedException {
        return drainUntilMarker(connection, marker, timeout, () -> false);
    }

    /**
     * As {@link #drainUntilMarker(Connection, String, Duration)}, but also returns false as soon as
     * {@code giveUp} says so between two batches.
     */
    public boolean drainUntilMarker(Connection connection, String marker, Duration timeout, BooleanSupplier giveUp)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!applyLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        try {
            while (System.nanoTime() < deadline) {
                synchronized (markersSeen) {
                    if (markersSeen.contains(marker)) {
                        return held.isEmpty();
                    }
                }
                if (giveUp.getAsBoolean()) {
                    return false;
                }
                applyOnce(changes -> TransientErrors.retry(() -> applier.apply(connection, changes)), 20);
            }
            return false;
        } finally {
            applyLock.unlock();
        }
    }

    /** Whether a revert request ({@link Changelog#REVERT_REQUEST}) has come through the binlog. */
    public boolean revertRequested() {
        return revertRequested;
    }

    public long eventsApplied() {
        return eventsApplied.get();
    }

    public Instant lastAppliedAt() {
        return lastAppliedAt;
    }

    public BinlogPosition appliedPosition() {
        return appliedPosition;
    }

    /** How old the last heartbeat was when it came back through the binlog; -1 before the first. */
    public long heartbeatLagMillis() {
        return heartbeatLagMillis;
    }

    /**
     * When the newest heartbeat that came back through the binlog was written (null before the
     * first): every change committed before then has been applied to the ghost table.
     */
    public Instant lastHeartbeatWrittenAt() {
        return heartbeatWrittenAt;
    }

    /** Batches of the original's changes applied so far. */
    public long batchesApplied() {
        return batches.get();
    }

    /** Row changes received but not applied yet. */
    public long backlog() {
        return queue.changes();
    }

    public Exception failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        Thread current = thread;
        if (current != null) {
            current.interrupt();
            try {
                current.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
