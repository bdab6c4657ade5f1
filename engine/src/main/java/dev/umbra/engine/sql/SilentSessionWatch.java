package dev.umbra.engine.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the sessions whose statement waits for an answer that cannot come. A connection that goes
 * silent without a reset (a lost node, a black-holing firewall, a NAT that forgot it) leaves the
 * driver waiting on its socket for hours, and the session on the server idle with whatever
 * transaction and row locks it held. No socket timeout can tell that apart from a statement that
 * is slow on purpose (a chunk that waits for a row lock, a checksum of a large range), so the
 * watch asks the server instead: a statement that has waited {@link #SUSPECT_AFTER} is looked up
 * in the server's process list from a new session. If the server is not running it (the session
 * is idle, being killed, or gone) the answer is lost: the server-side session is killed (its
 * transaction rolls back and its locks go now, not after {@code wait_timeout}) and the client's
 * socket is closed, so the statement fails with a connection error that the step handles as any
 * other lost session ({@link ReconnectingSession} runs the unit again on a new one).
 *
 * <p>If the server cannot be reached at all, a statement that has waited
 * {@link #UNREACHABLE_LIMIT} with the server unreachable the whole time is ended on the client
 * side only: its answer cannot come either.
 */
final class SilentSessionWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SilentSessionWatch.class);

    /** A statement waiting this long is looked up on the server. */
    static final Duration SUSPECT_AFTER = Duration.ofSeconds(10);
    /**
     * How long the server must have been idle on a session whose client waits: well above any
     * delay between the server's answer and the client reading it on a working network.
     */
    static final Duration SERVER_IDLE = Duration.ofSeconds(4);
    static final Duration UNREACHABLE_LIMIT = Duration.ofSeconds(60);
    private static final Duration SCAN_EVERY = Duration.ofSeconds(2);
    private static final int PROBE_TIMEOUT_MILLIS = 10_000;

    /** The watch of the session the driver is opening on this thread, for {@link StatementInFlight#init}. */
    private static final ThreadLocal<SilentSessionWatch> OPENING = new ThreadLocal<>();

    /** Opens a session to the same server, checked to be that server; the watch closes it. */
    @FunctionalInterface
    interface ProbeSessions {
        Connection open() throws SQLException;
    }

    private final String server;
    private final ProbeSessions probes;
    /** Weak: a session the driver failed to open, or that was never closed, leaves no trace. */
    private final Set<StatementInFlight> sessions = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private ScheduledExecutorService scanner;
    private long unreachableSinceNanos;
    private boolean closed;

    SilentSessionWatch(String server, ProbeSessions probes) {
        this.server = server;
        this.probes = probes;
    }

    /** The code in {@code opening} opens one session, which this watch then watches. */
    <T> T watchWhileOpening(SqlSupplier<T> opening) throws SQLException {
        OPENING.set(this);
        try {
            return opening.get();
        } finally {
            OPENING.remove();
        }
    }

    @FunctionalInterface
    interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    static SilentSessionWatch forSessionBeingOpened() {
        return OPENING.get();
    }

    void add(StatementInFlight session) {
        sessions.add(session);
        startScanning();
    }

    void remove(StatementInFlight session) {
        sessions.remove(session);
    }

    private synchronized void startScanning() {
        if (scanner == null && !closed) {
            scanner = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "umbra-silent-session-watch " + server);
                thread.setDaemon(true);
                return thread;
            });
            scanner.scheduleWithFixedDelay(this::scanSafely, SCAN_EVERY.toMillis(), SCAN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.warn("Checking for silent sessions to {} failed: {}", server, e.toString());
        }
    }

    /** One look: the statements waiting too long, and what the server is doing for each. */
    void scan() {
        long now = System.nanoTime();
        Map<StatementInFlight, Long> suspects = new HashMap<>();
        synchronized (sessions) {
            for (StatementInFlight session : sessions) {
                long sentAt = session.sentAtNanos();
                if (sentAt != 0 && now - sentAt >= SUSPECT_AFTER.toNanos() && !session.isClosed()) {
                    suspects.put(session, sentAt);
                }
            }
        }
        if (suspects.isEmpty()) {
            unreachableSinceNanos = 0;
            return;
        }
        try (Connection probe = probes.open()) {
            probe.setNetworkTimeout(Runnable::run, PROBE_TIMEOUT_MILLIS);
            unreachableSinceNanos = 0;
            Map<Long, ServerSide> onServer = lookUp(probe, suspects.keySet());
            for (Map.Entry<StatementInFlight, Long> suspect : suspects.entrySet()) {
                StatementInFlight session = suspect.getKey();
                ServerSide serverSide = onServer.get(session.serverSessionId());
                if (serverSide != null && !serverSide.waitsForClient()) {
                    continue;
                }
                // The answer may have come while the server was looked at: then it is not this statement's silence.
                if (session.sentAtNanos() != suspect.getValue()) {
                    continue;
                }
                long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - suspect.getValue());
                if (serverSide != null) {
                    kill(probe, session.serverSessionId());
                }
                session.abort();
                sessions.remove(session);
                log.warn("Session {} to {} waited {} s for the answer to a statement the server {}: the connection went"
                                + " silent; the session was ended on both sides and its work goes on on a new one",
                        session.serverSessionId(), server, waited,
                        serverSide == null ? "no longer has a session for" : "is not running (its session has been "
                                + serverSide.command() + " for " + serverSide.seconds() + " s)");
            }
        } catch (SQLException e) {
            endWhileUnreachable(suspects, now, e);
        }
    }

    private void endWhileUnreachable(Map<StatementInFlight, Long> suspects, long now, SQLException reason) {
        if (unreachableSinceNanos == 0) {
            unreachableSinceNanos = now;
        }
        if (now - unreachableSinceNanos < UNREACHABLE_LIMIT.toNanos()) {
            return;
        }
        for (Map.Entry<StatementInFlight, Long> suspect : suspects.entrySet()) {
            StatementInFlight session = suspect.getKey();
            if (suspect.getValue() <= unreachableSinceNanos && session.sentAtNanos() == suspect.getValue()) {
                session.abort();
                sessions.remove(session);
                log.warn("Session {} to {} has waited {} s for an answer while no new session could reach the server"
                                + " for {} s ({}): ending it", session.serverSessionId(), server,
                        TimeUnit.NANOSECONDS.toSeconds(now - suspect.getValue()),
                        TimeUnit.NANOSECONDS.toSeconds(now - unreachableSinceNanos), reason.getMessage());
            }
        }
    }

    private static Map<Long, ServerSide> lookUp(Connection probe, Set<StatementInFlight> suspects) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (StatementInFlight session : suspects) {
            ids.add(session.serverSessionId());
        }
        String placeholders = ids.stream().map(id -> "?").collect(Collectors.joining(", "));
        Map<Long, ServerSide> found = new HashMap<>();
        try (PreparedStatement statement = probe.prepareStatement(
                "SELECT ID, COMMAND, TIME FROM information_schema.PROCESSLIST WHERE ID IN (" + placeholders + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                statement.setLong(i + 1, ids.get(i));
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    found.put(row.getLong(1), new ServerSide(row.getString(2), row.getLong(3)));
                }
            }
        }
        return found;
    }

    private void kill(Connection probe, long serverSessionId) {
        try (Statement statement = probe.createStatement()) {
            statement.execute("KILL " + serverSessionId);
        } catch (SQLException e) {
            // it ended on its own meanwhile, or it is not ours to kill: its wait_timeout ends it
            log.debug("Could not kill session {} on {}: {}", serverSessionId, server, e.getMessage());
        }
    }

    /** What the server's process list says of a session: its command and for how long. */
    record ServerSide(String command, long seconds) {

        /** The server has nothing to do for this session: it waits for the client, or is ending. */
        boolean waitsForClient() {
            return "Killed".equalsIgnoreCase(command)
                    || ("Sleep".equalsIgnoreCase(command) && seconds >= SERVER_IDLE.toSeconds());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (scanner != null) {
            scanner.shutdownNow();
            scanner = null;
        }
    }
}
