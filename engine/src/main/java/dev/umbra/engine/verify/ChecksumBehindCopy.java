package dev.umbra.engine.verify;

import dev.umbra.engine.failure.MigrationAbortedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checksum's first pass, run while the copy goes on: each key range the copy has committed
 * is compared on a thread of its own, first without locks (see {@link
 * LockedRangeComparison#compareWithoutLocks}), while the copy works further up. On an idle server
 * most of the checksum then runs beside the copy, instead of reading both tables once more after
 * it.
 *
 * <p>Why a range behind the copy can be compared at once: every copy chunk in it has committed,
 * and a change to a key at or below the copy's frontier is applied (see {@code CopyFrontier}), so
 * the ghost's range is what the copy and the applier made of it, as after the copy. A range that
 * writers changed meanwhile is compared under its rows' locks, but only within a short budget (a
 * copy chunk's time): during the copy its marker comes back behind the copy's own binlog events,
 * and writers wait for its rows meanwhile (up to 2.5 s under the benchmark's flat-out writer with
 * the full lock timeout). Only matches are taken here; a range that could not be compared within
 * the budget, or that differs, is left to the checksum after the copy (see {@link
 * TableVerifier#verify}), which compares it under locks with the whole lock timeout, retried, and
 * copies it again if it differs.
 *
 * <p>A server whose locking reads cannot refuse to wait (MySQL 5.7; see {@link
 * dev.umbra.engine.sql.ServerInfo#sharedLockThatNeedNotWait()}) compares ranges beside the copy
 * without locks only; the ranges writers changed meanwhile are left to the checksum after the
 * copy, which compares them at one consistent point. Each match beside the copy is a range the
 * checksum after the copy need not read.
 *
 * <p>It starts only where key ranges select the same rows in both tables and the copy begins at
 * the table's first key. Ranges are whole copy chunks, merged up to the checksum's chunk size. Anything
 * that stops it (an error, a session lost) only ends it early: the checksum after the copy goes on
 * from the last range it took, so an optimisation never fails a migration.
 */
public final class ChecksumBehindCopy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChecksumBehindCopy.class);

    private final VerifyContext context;
    private final IntSupplier rowsPerRange;
    private final TableVerifier.Observer observer;
    private final ChunkChecksum checksum;
    private final Optional<String> lockClause;
    private final Duration lockBudget;
    private final Deque<Copied> copied = new ArrayDeque<>();
    private final Thread worker;
    /** The checksum step's, once the copy is over: from then on, the comparisons' stage is the run's. */
    private volatile TableVerifier.Observer afterCopy;
    private boolean copyOver;
    private boolean stopped;

    /* Written by the worker only, read after it ended. */
    private List<Object> comparedUpTo;
    private int ranges;
    private final List<KeyRange> leftForLater = new ArrayList<>();
    private Duration longestLock = Duration.ZERO;
    private long busyNanos;

    private record Copied(List<Object> end, int rows) {
    }

    /**
     * What was done during the copy: every range up to {@code upTo} was tried; {@code matched} of
     * them matched, the others are {@code leftForLater}, to compare under locks after the copy.
     */
    record Compared(List<Object> upTo, int matched, List<KeyRange> leftForLater, Duration longestLock, Duration took) {
    }

    private ChecksumBehindCopy(VerifyContext context, IntSupplier rowsPerRange, Duration lockBudget,
                               TableVerifier.Observer observer, Optional<String> lockClause, ThreadFactory threads) {
        this.context = context;
        this.lockBudget = lockBudget.compareTo(context.lockTimeout()) < 0 ? lockBudget : context.lockTimeout();
        this.rowsPerRange = rowsPerRange;
        this.observer = observer;
        this.lockClause = lockClause;
        this.checksum = new ChunkChecksum(context, new ComparedColumns(context.mapping()));
        this.worker = threads.newThread(this::compareWhileCopying);
    }

    /**
     * Starts comparing behind a copy that begins at the table's first key, where the checksum can
     * compare range by range; empty (the whole checksum runs after the copy) elsewhere.
     *
     * @param rowsPerRange the checksum's rows per range now (ranges are merged copy chunks up to it)
     * @param lockBudget   the longest a range compared under locks may hold its rows during the
     *                     copy (at most the lock timeout); a copy chunk's time keeps writers' waits
     *                     as short as the copy's own
     * @param observer     its checkpoint holds the comparisons while the migration is paused or
     *                     throttled; its stage is not used: the copy's stage stays the run's until
     *                     the checksum after the copy takes the rest over (see {@link #finish})
     */
    public static Optional<ChecksumBehindCopy> start(VerifyContext context, IntSupplier rowsPerRange, Duration lockBudget,
                                                     TableVerifier.Observer observer, ThreadFactory threads)
            throws SQLException {
        try (Connection reader = context.connections().open()) {
            if (!KeyOrder.preserved(reader, context)) {
                return Optional.empty();
            }
        }
        Optional<String> lockClause = context.server().sharedLockThatNeedNotWait();
        ChecksumBehindCopy behind = new ChecksumBehindCopy(context, rowsPerRange, lockBudget, observer, lockClause, threads);
        behind.worker.start();
        if (lockClause.isPresent()) {
            log.info("The checksum of `{}` compares the copied key ranges while the copy goes on", context.original());
        } else {
            log.info("The checksum of `{}` compares the copied key ranges without locks while the copy goes on; {} has no"
                    + " locking read that can refuse to wait, so ranges writers change meanwhile are compared after the"
                    + " copy, at one consistent point", context.original(), context.server().flavorName());
        }
        return Optional.of(behind);
    }

    /** The copy has committed every chunk up to {@code end}, {@code rows} rows since the last call. */
    public synchronized void copiedUpTo(List<Object> end, int rows) {
        copied.addLast(new Copied(end, rows));
        notifyAll();
    }

    /**
     * Lets the ranges already handed over be compared, then returns what was compared. Called
     * once, when the copy is over, by the checksum after it, whose observer now gets the stage.
     */
    Compared finish(TableVerifier.Observer checksumStep) throws InterruptedException {
        afterCopy = checksumStep;
        synchronized (this) {
            copyOver = true;
            notifyAll();
        }
        worker.join();
        return new Compared(comparedUpTo, ranges, List.copyOf(leftForLater), longestLock, Duration.ofNanos(busyNanos));
    }

    /** Stops the comparisons where they are (a copy that failed or was aborted). */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        worker.interrupt();
        try {
            worker.join(Duration.ofMinutes(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void compareWhileCopying() {
        try (LockedRangeComparison comparison = LockedRangeComparison.open(context, checksum, lockClause)) {
            for (KeyRange range = nextRange(); range != null; range = nextRange()) {
                observer.beforeComparingDuringCopy();
                observer.checkpoint();
                long began = System.nanoTime();
                stage("Verifying chunk " + (ranges + leftForLater.size() + 1));
                if (matches(comparison, range)) {
                    ranges++;
                } else {
                    leftForLater.add(range);
                }
                comparedUpTo = range.upperInclusive();
                busyNanos += System.nanoTime() - began;
            }
        } catch (InterruptedException | MigrationAbortedException e) {
            log.debug("The checksum beside the copy of `{}` stopped: {}", context.original(), e.toString());
        } catch (Exception e) {
            log.warn("The checksum beside the copy of `{}` stopped after {} range(s); the checksum after the copy goes on"
                    + " from there: {}", context.original(), ranges + leftForLater.size(), e.toString());
        }
    }

    /** Whether the range matched, without locks or under them within the budget. */
    private boolean matches(LockedRangeComparison comparison, KeyRange range) throws SQLException, InterruptedException {
        if (comparison.compareWithoutLocks(range).isPresent()) {
            return true;
        }
        if (!context.held().isEmpty() || lockClause.isEmpty()) {
            return false; // rows waiting to be written again, or no lock that need not wait: after the copy
        }
        if (comparison.compareLocked(range, lockBudget) instanceof LockedRangeComparison.Compared done) {
            longestLock = TableVerifier.longer(longestLock, done.chunk().lockTime());
            return done.chunk().matches();
        }
        return false;
    }

    /** Once the copy is over, the checksum's stage is the run's: say which range is being compared. */
    private void stage(String stage) {
        TableVerifier.Observer checksumStep = afterCopy;
        if (checksumStep != null) {
            checksumStep.stage(stage);
        }
    }

    /**
     * The next range to compare: the copied chunks after the last range, merged while they fit in
     * the range size (at least one); null once the copy is over and all are compared, or stopped.
     */
    private synchronized KeyRange nextRange() throws InterruptedException {
        while (copied.isEmpty() && !copyOver && !stopped) {
            wait();
        }
        if (stopped || copied.isEmpty()) {
            return null;
        }
        int limit = rowsPerRange.getAsInt();
        Copied last = copied.removeFirst();
        long rows = last.rows();
        while (!copied.isEmpty() && rows + copied.peekFirst().rows() <= limit) {
            Copied next = copied.removeFirst();
            rows += next.rows();
            last = next;
        }
        return new KeyRange(comparedUpTo, last.end());
    }
}
