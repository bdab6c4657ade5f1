package dev.umbra.engine.apply;

import dev.umbra.engine.binlog.RowChange;
import dev.umbra.engine.logging.LogContext;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.ReconnectingSession;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The applier's sessions: one batch's slices (see {@link ChangeApplier#split}) are written on as
 * many sessions at once, and the batch ends only when every slice has committed. That barrier keeps
 * the binlog's order where it matters: a later batch never overtakes an earlier one, and a marker
 * in a batch counts as applied only once all of the batch is in the ghost table.
 *
 * <p>Several sessions because one is not enough under a heavy writer: on two cores beside 16
 * writer sessions, one applier session got so small a share of the server that on MySQL 5.7 it
 * fell behind for good (the benchmark's flat-out case).
 */
final class ApplySessions implements AutoCloseable {

    /** Writes one slice through one session. */
    @FunctionalInterface
    interface SliceWork {
        void write(ReconnectingSession session, List<RowChange> slice) throws SQLException, InterruptedException;
    }

    private final List<ReconnectingSession> sessions = new ArrayList<>();
    /** Runs the slices after the first (the calling thread writes that one); null with one session. */
    private final ExecutorService helpers;

    ApplySessions(int count, String table, Connections connections, Duration reconnectTimeout) {
        for (int i = 0; i < count; i++) {
            sessions.add(new ReconnectingSession(count == 1 ? "binlog apply" : "binlog apply " + (i + 1), connections,
                    reconnectTimeout));
        }
        AtomicInteger threads = new AtomicInteger();
        LogContext context = LogContext.capture();
        helpers = count == 1 ? null : Executors.newFixedThreadPool(count - 1, work -> {
            Thread thread = new Thread(context.wrap(work), "umbra-apply-" + table + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    int count() {
        return sessions.size();
    }

    /**
     * Writes each slice on its own session, all at once, and returns when every one has finished.
     * If any failed, the first failure is thrown once all have finished, so that nothing of this
     * batch is still being written when the caller writes it again.
     */
    void writeAll(List<List<RowChange>> slices, SliceWork work) throws SQLException, InterruptedException {
        if (slices.size() > sessions.size()) {
            throw new IllegalArgumentException(slices.size() + " slices for " + sessions.size() + " sessions");
        }
        if (slices.size() == 1) {
            work.write(sessions.get(0), slices.get(0));
            return;
        }
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < slices.size(); i++) {
            ReconnectingSession session = sessions.get(i);
            List<RowChange> slice = slices.get(i);
            others.add(helpers.submit(() -> {
                work.write(session, slice);
                return null;
            }));
        }
        Exception first = null;
        try {
            work.write(sessions.get(0), slices.get(0));
        } catch (SQLException | RuntimeException e) {
            first = e;
        } catch (InterruptedException e) {
            others.forEach(other -> other.cancel(true));
            throw e;
        }
        for (Future<?> other : others) {
            try {
                other.get();
            } catch (ExecutionException e) {
                first = first == null ? unwrap(e) : first;
            } catch (InterruptedException e) {
                others.forEach(slice -> slice.cancel(true));
                throw e;
            }
        }
        if (first instanceof SQLException sql) {
            throw sql;
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
    }

    private static Exception unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception exception) {
            return exception instanceof InterruptedException ? new SQLException("an apply session was interrupted", exception)
                    : exception;
        }
        throw new IllegalStateException("an apply session failed", cause);
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
            // A slice still running would use its session while it is closed under it. The loop's
            // thread is usually closed by an interrupt, which would end this wait at once: clear
            // it for the wait, and set it again after.
            boolean interrupted = Thread.interrupted();
            try {
                helpers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        sessions.forEach(ReconnectingSession::close);
    }
}
