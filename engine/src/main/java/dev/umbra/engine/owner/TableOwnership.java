package dev.umbra.engine.owner;

import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.checkpoint.MigrationLock.LockHolder;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.sql.TransientErrors;
import dev.umbra.engine.table.HelperTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof that a run owns its table: it holds the table's {@link MigrationLock} on a session of its
 * own, and the helper tables it works on carry its run id. Everything that drops or swaps helper
 * tables runs on that session ({@link #asOwner}), and every new session of the run is checked
 * here first ({@link #confirm}, as the {@link Connections.SessionGuard}): after the server was
 * lost, the lock is taken again before anything else happens.
 *
 * <p>Ownership lost is lost for good ({@link OwnershipLostException}): another session holds the
 * lock (another run, after this one's server was replaced or its session ended), or the helper
 * tables are gone or are another run's. The run then stops and leaves every table alone.
 *
 * <p>A session this run lost may still hold the lock on a server that did not restart (a network
 * cut: the server has not noticed yet). That session is recognised by its server-side id and
 * ended, as it is this run's own; after a restart the id could be another session's, so it never is.
 */
public final class TableOwnership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TableOwnership.class);
    /** How long a ping of the lock session may take before the session counts as lost. */
    private static final int PING_SECONDS = 3;
    /** How long to wait for the lock once this run's own lost session was ended. */
    private static final Duration OWN_SESSION_END_WAIT = Duration.ofSeconds(10);

    private final Connections connections;
    private final TableName name;
    private final String schema;
    private final String table;
    private final HelperTables helpers;
    private final UUID runId = UUID.randomUUID();
    private Connection lockSession;
    /**
     * The lock session as the server lists it (its id, account and client address with port), and
     * when that server started: to recognise the session after a loss.
     */
    private LockHolder lockHolder;
    /**
     * Every session of this run that may hold the lock now: the lock session, and sessions that
     * took the lock again and were given up before they became the lock session (a failed check
     * after taking it closes them, and the server may not have ended them yet).
     */
    private final Set<LockHolder> ownSessions = new HashSet<>();
    private ServerStart serverStartedAt;
    private boolean helpersClaimed;
    private volatile boolean helpersWatched;
    /**
     * True while work as the owner runs again after losing its session: it may have dropped some
     * helper tables already, so their absence proves nothing; a changelog left must still be this
     * run's.
     */
    private boolean resumingWork;
    private volatile OwnershipLostException lost;
    /** How long the lock may stay unconfirmed (its session lost, no new one opened) before the run stops. */
    private final Duration unconfirmedLimit;
    /** When the lock's session was found lost and could not be replaced yet (System.nanoTime()), or 0. */
    private long unconfirmedSince;

    /**
     * @param lockSession the session on which inspection took the lock; {@link #close()} ends it
     */
    /**
     * @param unconfirmedLimit how long the lock may go without a session (a server restarting, a
     *                         refused login) before the run stops: it may be another run's by then
     */
    public TableOwnership(Connections connections, TableName table, HelperTables helpers, Connection lockSession,
                          Duration unconfirmedLimit) throws SQLException {
        this.connections = connections;
        this.unconfirmedLimit = unconfirmedLimit;
        this.name = table;
        this.schema = table.schema();
        this.table = table.name();
        this.helpers = helpers;
        adopt(lockSession);
    }

    /** The run's id, which the changelog table it creates carries ({@link Changelog#comment}). */
    public UUID runId() {
        return runId;
    }

    /**
     * The helper tables are this run's from now on: created by it, or adopted from an interrupted
     * run (whose id they carry until now, and then this run's). A later check finds them gone or
     * another run's.
     */
    public synchronized void claimHelpers(boolean createdByThisRun) throws SQLException {
        confirm();
        if (!createdByThisRun) {
            try (Statement statement = lockSession.createStatement()) {
                // DDL takes no parameters; the comment is Umbra's own text and a UUID.
                statement.execute("ALTER TABLE " + Sql.qualified(schema, helpers.changelog()) + " COMMENT = '"
                        + Changelog.comment(runId) + "'");
            }
        }
        helpersClaimed = true;
    }

    /** Whether the ghost and changelog tables must exist now (not while a cut-over renames them). */
    public void watchHelpers(boolean watched) {
        helpersWatched = watched;
    }

    /** Why ownership was lost, if it was. */
    public Optional<OwnershipLostException> lost() {
        return Optional.ofNullable(lost);
    }

    /**
     * Returns if the run still owns the table, taking the lock again on a new session if its
     * session was lost. A lost server fails with the connection error (the caller retries as for
     * any lost session); anything else that says the table is not this run's fails for good.
     */
    public synchronized void confirm() throws SQLException {
        if (lost != null) {
            throw lost;
        }
        if (lockSession != null && lockSession.isValid(PING_SECONDS)) {
            return;
        }
        try {
            takeAgain();
            unconfirmedSince = 0;
        } catch (OwnershipLostException e) {
            throw e;
        } catch (SQLException e) {
            long now = System.nanoTime();
            if (unconfirmedSince == 0) {
                unconfirmedSince = now;
            } else if (Duration.ofNanos(now - unconfirmedSince).compareTo(unconfirmedLimit) > 0) {
                throw lose("the session holding the migration lock of `" + schema + "`.`" + table + "` was lost and no new"
                        + " session could take the lock for " + unconfirmedLimit.toSeconds() + " s (last error: "
                        + e.getMessage() + "); the lock may be another run's by now");
            }
            throw e;
        }
    }

    /**
     * The periodic check: the lock session is pinged (which keeps it within
     * {@link MigrationLock#SESSION_IDLE_LIMIT}), and, while watched, the helper tables are looked for.
     */
    public synchronized void check() throws SQLException {
        confirm();
        if (helpersWatched) {
            checkHelpers(lockSession);
        }
    }

    /**
     * Runs {@code work} on the lock session while the run owns the table. If that session is lost
     * while the work runs (killed, a network cut), the lock is taken again, which proves the table
     * is still this run's, and the work runs once more from the start: it must be safe to repeat
     * (drops are {@code IF EXISTS}).
     */
    public synchronized <T> T asOwner(Work<T> work) throws SQLException {
        confirm();
        try {
            return work.run(lockSession);
        } catch (SQLException e) {
            if (!TransientErrors.isConnectionLoss(e)) {
                throw e;
            }
            log.warn("The lock session of `{}`.`{}` was lost during work as the table's owner ({}); taking the lock again",
                    schema, table, e.getMessage());
            resumingWork = true;
            try {
                confirm();
            } finally {
                resumingWork = false;
            }
            return work.run(lockSession);
        }
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection lockSession) throws SQLException;
    }

    private void takeAgain() throws SQLException {
        closeQuietly(lockSession);
        lockSession = null;
        Connection fresh = connections.openUnguarded();
        try {
            LockHolder freshIdentity = MigrationLock.identity(fresh);
            ownSessions.add(freshIdentity);
            if (!MigrationLock.tryAcquire(fresh, name, Duration.ZERO) && !endOwnLostSession(fresh, freshIdentity)) {
                String holder = MigrationLock.holder(fresh, name).map(LockHolder::toString)
                        .orElse("a session that has just ended");
                throw lose("the migration lock of `" + schema + "`.`" + table + "` was lost with this run's session, and "
                        + holder + " holds it now: another run owns the table");
            }
            if (helpersClaimed) {
                checkHelpers(fresh);
            }
            LockHolder previous = lockHolder;
            adopt(fresh);
            log.warn("The session holding the migration lock of `{}`.`{}` was lost ({}); the lock is held again by {}",
                    schema, table, previous, lockHolder);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(fresh);
            throw e;
        }
    }

    /**
     * Ends the lock's holder if it is one of this run's own sessions (lost, or given up); true if the
     * lock is then this run's. A session is recognised by its id, account and client address with
     * port: after a restart the same id can be another client's session.
     */
    private boolean endOwnLostSession(Connection fresh, LockHolder freshIdentity) throws SQLException {
        Optional<LockHolder> found = MigrationLock.holder(fresh, name);
        if (found.isEmpty()) {
            return MigrationLock.tryAcquire(fresh, name, Duration.ZERO);
        }
        LockHolder holder = found.get();
        if (holder.equals(freshIdentity)) {
            return true;
        }
        boolean own = ownSessions.contains(holder)
                || holder.isEnding() && ownSessions.stream().anyMatch(session -> session.sessionId() == holder.sessionId());
        if (!own || !sameServerStart(fresh)) {
            return false;
        }
        if (!holder.isEnding()) {
            log.warn("This run's lost {} still holds the migration lock of `{}`.`{}`; ending it", holder, schema, table);
            try (Statement statement = fresh.createStatement()) {
                statement.execute("KILL " + holder.sessionId());
            } catch (SQLException e) {
                if (!TransientErrors.isConnectionLoss(e) && e.getErrorCode() != 1094) { // 1094: it ended meanwhile
                    throw e;
                }
            }
        }
        // Killed or closed, and releasing its locks now.
        if (MigrationLock.tryAcquire(fresh, name, OWN_SESSION_END_WAIT)) {
            return true;
        }
        if (MigrationLock.holder(fresh, name).filter(still -> still.sessionId() == holder.sessionId()).isPresent()) {
            // Still this run's own session, slow to end, or a KILL the server lost (MySQL 8.0 and 5.7
            // under load; see MigrationLock.SESSION_IDLE_LIMIT): no other run has the table, so this
            // is a lost session like any other, tried again at the next check.
            throw new SQLException("this run's lost " + holder + " still holds the migration lock of `" + schema + "`.`"
                    + table + "` " + OWN_SESSION_END_WAIT.toSeconds() + " s after it was ended; the server ends it at the"
                    + " latest " + MigrationLock.SESSION_IDLE_LIMIT.toSeconds() + " s after its last ping", "08000");
        }
        return false;
    }

    private void checkHelpers(Connection session) throws SQLException {
        Map<String, String> comments = new HashMap<>();
        try (PreparedStatement statement = session.prepareStatement("SELECT TABLE_NAME, TABLE_COMMENT FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?)")) {
            statement.setString(1, schema);
            statement.setString(2, helpers.ghost());
            statement.setString(3, helpers.changelog());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    comments.put(row.getString(1), row.getString(2));
                }
            }
        }
        // The ghost is renamed into place by the swap, so only the changelog says whose tables these are then.
        boolean ghostExpected = helpersWatched && !resumingWork;
        for (String helper : new String[] {helpers.ghost(), helpers.changelog()}) {
            boolean expected = helper.equals(helpers.ghost()) ? ghostExpected : !resumingWork;
            if (expected && !comments.containsKey(helper)) {
                throw lose("the helper table `" + helper + "` of this run is gone from `" + schema + "` (dropped by someone"
                        + " else, or this is another server)");
            }
        }
        String comment = comments.get(helpers.changelog());
        if (comment != null && !comment.equals(Changelog.comment(runId))) {
            throw lose("the helper table `" + helpers.changelog() + "` is not this run's (it carries '" + comment
                    + "', this run is " + runId + "): another run owns the table");
        }
    }

    private OwnershipLostException lose(String reason) {
        lost = new OwnershipLostException(reason);
        log.error("This run no longer owns `{}`.`{}`: {}. It stops and leaves every table alone.", schema, table, reason);
        return lost;
    }

    private void adopt(Connection session) throws SQLException {
        lockSession = session;
        lockHolder = MigrationLock.holder(session, name)
                .orElseThrow(() -> new SQLException("the migration lock of `" + schema + "`.`" + table + "` is not held"));
        serverStartedAt = serverStart(session);
        // Holding the lock, this session is the only one of the run that can: older ones no longer count.
        ownSessions.clear();
        ownSessions.add(lockHolder);
    }

    /** Whether the server has not restarted since the lock session was opened (its session ids are then unique). */
    private boolean sameServerStart(Connection session) throws SQLException {
        return serverStart(session).matches(serverStartedAt);
    }

    private static ServerStart serverStart(Connection session) throws SQLException {
        try (Statement statement = session.createStatement()) {
            long before = unixTime(statement);
            long uptime;
            try (ResultSet row = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Uptime'")) {
                row.next();
                uptime = row.getLong(2);
            }
            long after = unixTime(statement);
            return new ServerStart(before - uptime, after - uptime);
        }
    }

    private static long unixTime(Statement statement) throws SQLException {
        try (ResultSet now = statement.executeQuery("SELECT UNIX_TIMESTAMP()")) {
            now.next();
            return now.getLong(1);
        }
    }

    /**
     * When the server started, known to lie between {@code earliest} and {@code latest}: the
     * uptime and the clock are read by two statements, and a busy server or client can put
     * seconds between them, which must not look like a restart.
     */
    private record ServerStart(long earliest, long latest) {

        /** A restart moves the start by at least the time the server took to come back; one second of rounding is not one. */
        boolean matches(ServerStart recorded) {
            return earliest - 1 <= recorded.latest && recorded.earliest <= latest + 1;
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a lost session cannot close cleanly
            }
        }
    }

    /** Ends the lock session, and with it the lock. */
    @Override
    public synchronized void close() {
        closeQuietly(lockSession);
        lockSession = null;
    }
}
