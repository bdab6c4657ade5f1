package dev.umbra.engine.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.Identifier;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The engine's JDBC sessions to one server, each set up the same way: TLS as the settings say
 * ({@link DriverTlsFiles}), UTC session time zone
 * (TIMESTAMP values are copied as stored, never shifted), a strict sql_mode that still allows zero
 * dates (values that do not fit fail loudly instead of being truncated) and keeps explicit zeros in
 * AUTO_INCREMENT columns, utf8mb4, and READ COMMITTED.
 *
 * <p>Two kinds of session. {@link #borrow()} hands out an interchangeable session from a HikariCP
 * pool: the copy workers, the copy planner and the binlog applier, several sessions to one server
 * that hold no session state of their own. The pool checks a session is alive before handing it
 * out, bounds how long getting one may take, and drops a session that failed with a connection
 * error, so that a {@link ReconnectingSession} gets a live one. {@link #open()} opens a dedicated
 * session that is never pooled: a session that takes a named lock, holds LOCK TABLES, changes its
 * lock_wait_timeout or is killed on purpose must never be handed to another step afterwards.
 *
 * <p>Both kinds are watched ({@link SilentSessionWatch}): a statement whose connection went silent
 * is ended on both sides instead of waiting for an answer for hours.
 */
public final class Connections implements AutoCloseable {

    /** Strict, but without NO_ZERO_DATE / NO_ZERO_IN_DATE, so zero dates already stored can be copied. */
    public static final String SESSION_SQL_MODE = "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

    /** Extra set-up for every session the engine opens (after Umbra's own). */
    @FunctionalInterface
    public interface SessionInitializer {
        void initialize(Connection connection) throws SQLException;
    }

    /**
     * At most this many pooled sessions: the copy workers ({@code MigrationOptions.MAX_COPY_WORKERS}
     * at most), the copy planner and the apply sessions ({@code MigrationOptions.MAX_APPLY_SESSIONS}
     * at most), with room to spare. Sessions are opened on demand.
     */
    static final int MAX_POOLED_SESSIONS = 32;

    /**
     * How long the server keeps a pooled session that waits for its client ({@code wait_timeout}).
     * A session the engine lost can stay open on the server with its transaction and row locks: a
     * node that is gone, or a KILL that MySQL 5.7 sets on a session about to wait for its next
     * command without waking it (it is listed as {@code Killed} until it times out, by default
     * after eight hours). This bounds how long such a session blocks the application's writes and
     * the copy. Idle pooled sessions are kept alive well within it ({@link #KEEPALIVE}); every unit
     * of work borrows a session and gives it back ({@link ReconnectingSession}), so none is held
     * idle outside the pool.
     */
    public static final Duration IDLE_SESSION_LIMIT = Duration.ofSeconds(60);

    /** How often an idle pooled session is pinged: HikariCP's shortest keep-alive. */
    private static final Duration KEEPALIVE = Duration.ofSeconds(30);

    private final ConnectionSettings settings;
    private final String schema;
    private final DriverTlsFiles driverTls;
    private final SessionLogin login;
    private final SilentSessionWatch silentSessions;
    private volatile SessionInitializer initializer = connection -> { };
    private volatile boolean writableServerRequired;
    private volatile ServerIdentity expectedServer;
    private volatile SessionGuard guard;
    private volatile PasswordSource passwordSource;
    /** Pooled sessions not yet checked by {@link #requireWritableServer}; weak: the pool may drop them unborrowed. */
    private final Set<Connection> uncheckedPooledSessions = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private HikariDataSource pool;
    private boolean closed;

    /** @param schema the schema every session works in, or empty for none (server-wide checks) */
    public Connections(ConnectionSettings settings, String schema) {
        this.settings = settings;
        this.schema = schema.isEmpty() ? schema : Identifier.check(schema, "the schema");
        this.driverTls = new DriverTlsFiles(settings.tls());
        this.login = new SessionLogin(settings, this.schema, driverTls);
        this.silentSessions = new SilentSessionWatch(settings.host() + ":" + settings.port(), this::openProbe);
    }

    public void setSessionInitializer(SessionInitializer initializer) {
        this.initializer = initializer;
    }

    /**
     * What else must hold before a new session is used: the migration still owns its table. It
     * runs after the server checks, on every new session but those of {@link #openUnguarded()}.
     */
    @FunctionalInterface
    public interface SessionGuard {
        void check() throws SQLException;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    /**
     * From now on, every new session first checks that the server is still writable (a dedicated
     * one when opened, a pooled one when first borrowed), and fails with
     * {@link ServerReadOnlyException} if not. A new session is where a
     * failover shows: the old primary comes back read-only, or the address now leads to a replica.
     * A pool replaces lost sessions on its own, so the check belongs here, where every one is
     * opened, and not only where a step notices a loss. (An account with SUPER or READ_ONLY ADMIN
     * could still write to a read-only server; writing to a demoted primary loses those rows.)
     */
    public void requireWritableServer(boolean required) {
        writableServerRequired = required;
    }

    /**
     * From now on, every new session first checks that it reached this server
     * ({@link ServerChangedException} if not): a restart keeps a server's identity, a failover or
     * a server rebuilt on the same address does not.
     */
    public void expectServer(ServerIdentity identity) {
        expectedServer = identity;
    }

    /** The identity every new session is checked against, if one is expected. */
    public Optional<ServerIdentity> expectedServer() {
        return Optional.ofNullable(expectedServer);
    }

    /** Where each new session gets the password; the settings' own by default. */
    public void setPasswordSource(PasswordSource source) {
        this.passwordSource = source;
    }

    public void setSessionGuard(SessionGuard guard) {
        this.guard = guard;
    }

    /** Fails with {@link ServerReadOnlyException} if the session's server is read-only. */
    public void checkWritable(Connection session) throws SQLException {
        try (Statement statement = session.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@global.read_only")) {
            if (row.next() && row.getLong(1) != 0) {
                throw new ServerReadOnlyException(settings.host() + ":" + settings.port());
            }
        }
    }

    /**
     * An interchangeable session from the pool, opened if none is idle; {@link Connection#close()}
     * gives it back. Never change session state (variables, locks) on it: use {@link #open()}.
     */
    public Connection borrow() throws SQLException {
        HikariDataSource sessions = pool();
        Connection borrowed;
        try {
            borrowed = sessions.getConnection();
        } catch (SQLTransientConnectionException timedOut) {
            // The pool's own message says only that it timed out; the reason is the last failed connect.
            Throwable reason = timedOut.getCause();
            String state = reason instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() : "08001";
            throw new SQLTransientConnectionException("no session to " + settings + " could be opened within "
                    + TimeUnit.MILLISECONDS.toSeconds(sessions.getConnectionTimeout()) + " s"
                    + (reason == null ? "" : ": " + reason.getMessage()), state, timedOut);
        }
        if (checksNewSessions() && uncheckedPooledSessions.remove(borrowed.unwrap(Connection.class))) {
            try {
                checkNewSession(borrowed, true);
            } catch (SQLException e) {
                discard(borrowed);
                throw e;
            }
        }
        return borrowed;
    }

    /**
     * Ends a borrowed session that lost its server, so the pool never hands it out again (the pool
     * skips its liveness check for a session used within the last half second).
     */
    public void discard(Connection borrowed) {
        synchronized (this) {
            if (pool != null && borrowed.getClass().getName().startsWith("com.zaxxer.hikari.")) {
                pool.evictConnection(borrowed);
                return;
            }
        }
        try {
            borrowed.close();
        } catch (SQLException ignored) {
            // the session is gone either way
        }
    }

    /** A new dedicated session, never pooled; closing it ends it. */
    public Connection open() throws SQLException {
        return openChecked(true);
    }

    /**
     * A new dedicated session checked against the server ({@link #requireWritableServer},
     * {@link #expectServer}) but not the {@link SessionGuard}: the session the guard itself needs.
     */
    public Connection openUnguarded() throws SQLException {
        return openChecked(false);
    }

    private Connection openChecked(boolean guarded) throws SQLException {
        Connection connection = connect();
        try {
            checkNewSession(connection, guarded);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private boolean checksNewSessions() {
        return writableServerRequired || expectedServer != null || guard != null;
    }

    /**
     * Runs the checks of a new session on one opened earlier: after a loss, the pool may hand out
     * a session it opened before, which the pool's own check did not see.
     */
    public void checkSession(Connection session) throws SQLException {
        checkNewSession(session, true);
    }

    private void checkNewSession(Connection session, boolean guarded) throws SQLException {
        ServerIdentity expected = expectedServer;
        if (expected != null) {
            expected.check(session, settings.host() + ":" + settings.port());
        }
        if (writableServerRequired) {
            checkWritable(session);
        }
        SessionGuard current = guard;
        if (guarded && current != null) {
            current.check();
        }
    }

    /** A session that only looks at the server: checked to be the expected server, nothing else. */
    private Connection openProbe() throws SQLException {
        Connection connection = connect();
        try {
            ServerIdentity expected = expectedServer;
            if (expected != null) {
                expected.check(connection, settings.host() + ":" + settings.port());
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private Connection connect() throws SQLException {
        PasswordSource source = passwordSource;
        Connection connection = login.open(source == null ? settings.password() : source.currentPassword(), silentSessions);
        try {
            initializer.initialize(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private synchronized HikariDataSource pool() throws SQLException {
        if (closed) {
            throw new SQLException("the sessions to " + settings + " are closed");
        }
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("umbra " + settings.host() + ":" + settings.port());
            // Every pooled session is opened exactly as a dedicated one, by open().
            config.setDataSource(new SessionFactory());
            config.setMaximumPoolSize(MAX_POOLED_SESSIONS);
            config.setMinimumIdle(0);
            config.setAutoCommit(true);
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            // How long a step waits for a session: the server's own connect timeout, and a little.
            config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(15));
            // A session that went silent while idle fails its check quickly and is replaced.
            config.setValidationTimeout(TimeUnit.SECONDS.toMillis(2));
            config.setIdleTimeout(TimeUnit.SECONDS.toMillis(60));
            config.setKeepaliveTime(KEEPALIVE.toMillis());
            // The first session is opened at once, so that a server that cannot be reached fails the
            // first borrow with the driver's own reason rather than after the pool's timeout.
            config.setInitializationFailTimeout(1);
            try {
                pool = new HikariDataSource(config);
            } catch (HikariPool.PoolInitializationException e) {
                if (e.getCause() instanceof SQLException reason) {
                    throw reason;
                }
                throw new SQLException("no session to " + settings + " could be opened: " + e.getMessage(), "08001", e);
            }
        }
        return pool;
    }

    /** Closes the pool and every pooled session; dedicated sessions are their owners' to close. */
    @Override
    public synchronized void close() {
        closed = true;
        silentSessions.close();
        if (pool != null) {
            pool.close();
            pool = null;
        }
        driverTls.close();
    }

    /** What the pool opens its sessions with: {@link #open()}, so both kinds are set up alike. */
    private final class SessionFactory implements DataSource {

        @Override
        public Connection getConnection() throws SQLException {
            return openPooled();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return openPooled();
        }

        private Connection openPooled() throws SQLException {
            Connection connection = connect();
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION wait_timeout = " + IDLE_SESSION_LIMIT.toSeconds());
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            // Checked when first borrowed, not here: a failure here would only make the pool try
            // again until its timeout, and hide the reason.
            uncheckedPooledSessions.add(connection);
            return connection;
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // sessions log through SLF4J
        }

        private volatile int loginTimeoutSeconds = 10;

        @Override
        public void setLoginTimeout(int seconds) {
            // open() sets the driver's own connectTimeout; the pool also waits this long for its
            // connection-adding thread when it closes (with 0 it would warn at every close)
            loginTimeoutSeconds = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeoutSeconds;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
