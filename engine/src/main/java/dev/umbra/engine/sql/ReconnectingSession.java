package dev.umbra.engine.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine session (the copy's, the applier's) that survives losing its server: when a unit of
 * work fails because the session is gone (a network drop, a KILL, a server restart), it opens a new
 * session, with a growing pause between attempts, and runs the same unit again. Units must be
 * idempotent, as the chunk copy and an apply batch are: a unit that died before its commit was
 * rolled back, and one whose commit landed but whose answer was lost writes the same rows again.
 * Deadlocks and lock waits are retried as {@link TransientErrors} does.
 *
 * <p>The session gives up when it has not worked for the whole budget, and a server that comes
 * back read-only, or as another server, or with the table owned by another run, fails at once
 * ({@link UnsafeToContinueException}, checked on the first session after a loss and by
 * {@link Connections} on every new one): writing there would be worse than stopping.
 */
public final class ReconnectingSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconnectingSession.class);
    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long LONGEST_PAUSE_MILLIS = 5_000;

    /** A unit of work on the session. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException, InterruptedException;
    }

    private final String purpose;
    private final Connections connections;
    private final Duration budget;
    /** The session of the unit running now; null between units. */
    private Connection session;
    private boolean lostSinceLastUnit;
    private int reconnects;

    /**
     * @param purpose what the session is for, in log lines ("copy", "apply")
     * @param budget  how long to keep reconnecting before giving up
     */
    public ReconnectingSession(String purpose, Connections connections, Duration budget) {
        this.purpose = purpose;
        this.connections = connections;
        this.budget = budget;
    }

    /**
     * Runs the work, on a new session as often as needed within the budget. The session is
     * borrowed for the unit and given back after it: the pool keeps idle sessions alive within
     * the server's idle limit ({@link Connections#IDLE_SESSION_LIMIT}).
     */
    public <T> T run(Work<T> work) throws SQLException, InterruptedException {
        long firstFailure = 0;
        long pause = FIRST_PAUSE_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                session = connections.borrow();
                if (lostSinceLastUnit) {
                    // The pool may hand out a session opened before the loss, which the pool's own check did not see.
                    connections.checkSession(session);
                    log.info("The {} session is connected again to {}", purpose, connections.settings());
                    lostSinceLastUnit = false;
                }
                Connection current = session;
                T result = TransientErrors.retry(() -> work.run(current));
                giveBack();
                return result;
            } catch (SQLException e) {
                if (e instanceof UnsafeToContinueException || !(TransientErrors.isConnectionLoss(e) || sessionGone())) {
                    giveBack();
                    throw e;
                }
                discardSession();
                lostSinceLastUnit = true;
                long now = System.nanoTime();
                if (firstFailure == 0) {
                    firstFailure = now;
                }
                Duration spent = Duration.ofNanos(now - firstFailure);
                if (spent.compareTo(budget) >= 0) {
                    throw new SQLException("the " + purpose + " session lost " + connections.settings() + " and could not"
                            + " reconnect within " + budget.toSeconds() + " s (" + (attempt - 1) + " retries); last error: "
                            + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
                }
                log.warn("The {} session lost {} ({}); retrying on a new session in {} ms (attempt {}, {} s of {} s spent)",
                        purpose, connections.settings(), e.getMessage(), pause, attempt, spent.toSeconds(), budget.toSeconds());
                reconnects++;
                Thread.sleep(pause);
                pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
            } catch (RuntimeException | InterruptedException e) {
                giveBack();
                throw e;
            }
        }
    }

    /** How many times the session was lost and opened again. */
    public int reconnects() {
        return reconnects;
    }

    /**
     * A clean-up step after a connection error (a rollback in a finally block) can fail with a plain
     * "Connection is closed" that hides the first error: the session's state decides, not the message.
     */
    private boolean sessionGone() {
        return session == null || TransientErrors.isGone(session);
    }

    private void discardSession() {
        if (session != null) {
            connections.discard(session);
            session = null;
        }
    }

    /** Gives the unit's session back to the pool, which rolls back anything the unit left open. */
    private void giveBack() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // the pool drops a session it cannot reset
            }
            session = null;
        }
    }

    @Override
    public void close() {
        giveBack();
    }
}
