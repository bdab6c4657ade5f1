package dev.umbra.engine.copy;

import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.ReconnectingSession;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Copies a key range with several sessions at once. One session reads the chunk boundaries in key
 * order (an index-only read of a few keys); each chunk, a disjoint key range, then goes to the next
 * free worker session, which copies it in a transaction of its own. Chunks may finish out of
 * order: progress is reported only up to the <em>low watermark</em>, the end of the last chunk
 * below which every chunk is committed, so a checkpoint taken from it never skips a range. A
 * resumed run may copy the chunks above it again, which is harmless: the copy keeps rows that are
 * already in the ghost table (see {@link ChunkCopier}).
 *
 * <p>Where the server allows it ({@code planAhead}), the next chunk is planned while the ones
 * before it are copied, which also reads its pages ahead of the copy. Before planning a chunk (and,
 * when planned ahead, again before handing it out) the gate is asked whether to go on: a pause or
 * throttle holds new chunks back, an abort stops planning (a planned chunk not handed out is simply
 * not copied). Chunks already handed to workers are always let finish,
 * so no copy transaction is left open behind the migration, and the first failure is thrown once
 * they have.
 */
public final class ParallelCopy implements AutoCloseable {

    /** Asked before each chunk; returns when the copy may go on, throws to stop it. */
    @FunctionalInterface
    public interface Gate {
        void awaitGo() throws Exception;
    }

    /** Told each time the low watermark moves. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param watermark every row up to this key is in the ghost table
         * @param rows      rows the chunks up to the watermark wrote, since the last call
         */
        void copiedUpTo(List<Object> watermark, int rows);
    }

    /** Told of each chunk's end just before a worker starts reading it, from the copying thread. */
    @FunctionalInterface
    public interface HandOut {
        void handingOut(List<Object> end);
    }

    /**
     * How far finished chunks may run ahead of an unfinished one: bounds what a resumed run may copy
     * again, and the memory of the queue.
     */
    private static final int CHUNKS_AHEAD_PER_WORKER = 4;

    private final ChunkCopier copier;
    private final ChunkSizer sizer;
    private final int workers;
    private final boolean planAhead;
    private final ExecutorService pool;
    private final ReconnectingSession planner;
    private final List<ReconnectingSession> sessions = new ArrayList<>();
    private final Deque<ReconnectingSession> idle = new ArrayDeque<>();

    /**
     * @param planAhead ask the gate before planning a chunk as well as before handing it out; false
     *                  where each chunk holds the ghost's AUTO-INC lock (see {@link AutoIncrementLock}):
     *                  the gate is then asked only before a hand-out, which with one worker comes
     *                  after the chunk before it ended, the moment the binlog applier's inserts can
     *                  get through
     */
    public ParallelCopy(ChunkCopier copier, ChunkSizer sizer, int workers, boolean planAhead, Connections connections,
                        Duration reconnectTimeout, ThreadFactory threads) {
        this.planAhead = planAhead;
        this.copier = copier;
        this.sizer = sizer;
        this.workers = workers;
        this.pool = Executors.newFixedThreadPool(workers, threads);
        this.planner = new ReconnectingSession("copy planner", connections, reconnectTimeout);
        for (int i = 1; i <= workers; i++) {
            ReconnectingSession session = new ReconnectingSession("copy worker " + i, connections, reconnectTimeout);
            sessions.add(session);
            idle.add(session);
        }
    }

    /**
     * Copies the rows after {@code from} (null: from the start) up to {@code upper}, both as keys.
     * The chunks cover the whole range: after the last chunk the planner found rows for, one more
     * reaches {@code upper}, so that a row the planner's plain read did not see yet (its transaction
     * not committed) is still read, with a lock, by a chunk handed out after it.
     */
    public void copy(List<Object> from, List<Object> upper, Gate gate, Progress progress, HandOut handOut) throws Exception {
        Deque<PlannedChunk> inFlight = new ArrayDeque<>();
        List<Object> lower = from;
        KeyBounds planned = null;
        boolean reachedUpper = false;
        Exception failure = null;
        try {
            while (true) {
                reportFinished(inFlight, progress);
                if (planned == null) {
                    if (reachedUpper) {
                        break;
                    }
                    // Planned while the chunks before it are copied: finding a chunk's end reads its
                    // rows' pages, which the copy then finds in memory instead of waiting for the disk.
                    if (planAhead) {
                        gate.awaitGo();
                    }
                    List<Object> chunkFrom = lower;
                    int rows = nextSize();
                    java.util.Optional<List<Object>> end = planner.run(
                            connection -> copier.nextChunkEnd(connection, chunkFrom, upper, rows));
                    if (end.isEmpty() && upper.equals(chunkFrom)) {
                        break;
                    }
                    // no row found up to the upper bound: the tail chunk, which reads nothing unless rows came since
                    planned = new KeyBounds(chunkFrom, end.orElse(upper), end.isPresent());
                    lower = planned.end();
                    reachedUpper = upper.equals(lower);
                    if (planAhead) {
                        continue;
                    }
                }
                List<CompletableFuture<Integer>> running = inFlight.stream().map(PlannedChunk::result)
                        .filter(result -> !result.isDone()).toList();
                if (running.size() >= workers) {
                    awaitAny(running);
                    continue;
                }
                if (inFlight.size() >= workers * CHUNKS_AHEAD_PER_WORKER) {
                    // a slow chunk holds the watermark back: wait for it rather than run far ahead
                    awaitAny(List.of(inFlight.peekFirst().result));
                    continue;
                }
                // A pause that began while the chunk waited holds it too; where chunks hold the AUTO-INC
                // lock, this is the one moment between two chunks (the gate may give the applier its turn).
                gate.awaitGo();
                handOut.handingOut(planned.end());
                inFlight.addLast(submit(planned));
                planned = null;
            }
        } catch (Exception e) {
            failure = e;
        }
        // Let every chunk in flight end, whatever happened: none is abandoned mid-transaction.
        for (PlannedChunk chunk : inFlight) {
            try {
                chunk.result.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = unwrap(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        reportFinished(inFlight, progress);
    }

    private int nextSize() {
        synchronized (sizer) {
            return sizer.next();
        }
    }

    private PlannedChunk submit(KeyBounds chunk) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        pool.execute(() -> {
            ReconnectingSession session = takeIdle();
            int rows = 0;
            Throwable failure = null;
            try {
                long began = System.nanoTime();
                rows = session.run(connection -> copier.copyRange(connection, chunk.lowerExclusive(), chunk.end()));
                if (chunk.sized()) { // the tail chunk's few rows say nothing of the rate
                    synchronized (sizer) {
                        sizer.record(rows, Duration.ofNanos(System.nanoTime() - began));
                    }
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                giveBack(session); // before the result: the planner may hand out the next chunk at once
            }
            if (failure == null) {
                result.complete(rows);
            } else {
                result.completeExceptionally(failure);
            }
        });
        return new PlannedChunk(chunk.end(), result);
    }

    /** Reports the chunks at the head of the queue that are done, in key order; throws the first failure. */
    private static void reportFinished(Deque<PlannedChunk> inFlight, Progress progress) throws Exception {
        while (!inFlight.isEmpty() && inFlight.peekFirst().result.isDone()) {
            PlannedChunk done = inFlight.peekFirst();
            int rows;
            try {
                rows = done.result.get();
            } catch (ExecutionException e) {
                throw unwrap(e);
            }
            inFlight.removeFirst();
            progress.copiedUpTo(done.end, rows);
        }
    }

    private static void awaitAny(List<CompletableFuture<Integer>> results) throws InterruptedException {
        try {
            CompletableFuture.anyOf(results.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            // reportFinished throws it, in key order
        }
    }

    private synchronized ReconnectingSession takeIdle() {
        return idle.removeFirst(); // a pool thread runs at most one chunk, so one session is always idle
    }

    private synchronized void giveBack(ReconnectingSession session) {
        idle.addLast(session);
    }

    private static Exception unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception exception) {
            return exception;
        }
        throw new IllegalStateException("a copy worker failed", cause);
    }

    @Override
    public void close() throws SQLException {
        pool.shutdown();
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        planner.close();
        for (ReconnectingSession session : sessions) {
            session.close();
        }
    }

    private record PlannedChunk(List<Object> end, CompletableFuture<Integer> result) {
    }

    /**
     * A chunk whose end is read but which no worker has yet; {@code sized} when the planner found its
     * rows (the tail chunk up to the upper bound is not).
     */
    private record KeyBounds(List<Object> lowerExclusive, List<Object> end, boolean sized) {
    }
}
