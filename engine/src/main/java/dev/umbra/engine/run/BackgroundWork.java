package dev.umbra.engine.run;

import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.logging.LogContext;
import dev.umbra.engine.owner.TableOwnership;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.UnsafeToContinueException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's loops beside its main thread, started and stopped in one place: the ownership watch,
 * and, once the binlog pipeline runs, the changelog heartbeat, the status and the checkpoint.
 * Each runs on a thread of its own, so that a session gone silent holds up only its own loop.
 */
final class BackgroundWork {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWork.class);
    /** How often the lock session is pinged and the helper tables looked for: a run whose tables vanish stops within seconds. */
    private static final Duration OWNERSHIP_CHECK = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT_NETWORK_TIMEOUT = Duration.ofSeconds(10);

    private final String table;
    private ScheduledExecutorService ownershipWatch;
    private ScheduledExecutorService loops;
    /** The heartbeat loop's alone (a task's runs never overlap, whichever thread runs them). */
    private volatile Connection heartbeatConnection;

    BackgroundWork(String table) {
        this.table = table;
    }

    /**
     * From the moment the run owns the table: the lock's session is pinged (its server ends it
     * after {@code MigrationLock.SESSION_IDLE_LIMIT} without), also while an instant ALTER waits
     * for its approval, and the helper tables are looked for once they exist. A lost server is not
     * a failure here (the sessions that work reconnect); a server or table no longer the run's is,
     * and the gate then ends the run.
     */
    synchronized void watchOwnership(TableOwnership ownership, WorkGate gate) {
        ownershipWatch = Executors.newSingleThreadScheduledExecutor(LogContext.capture().threadFactory("umbra-owner-" + table));
        ownershipWatch.scheduleWithFixedDelay(() -> checkOwnership(ownership, gate), OWNERSHIP_CHECK.toMillis(),
                OWNERSHIP_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The heartbeat, the status and the checkpoint, each at its own interval. */
    synchronized void startLoops(Changelog changelog, Connections connections, Duration heartbeat, Runnable publishStatus,
                                 Duration statusInterval, Runnable saveCheckpoint, Duration checkpointInterval) {
        loops = Executors.newScheduledThreadPool(3, LogContext.capture().threadFactory("umbra-progress-" + table));
        loops.scheduleAtFixedRate(() -> heartbeat(changelog, connections), 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        loops.scheduleAtFixedRate(publishStatus, statusInterval.toMillis(), statusInterval.toMillis(), TimeUnit.MILLISECONDS);
        loops.scheduleAtFixedRate(saveCheckpoint, checkpointInterval.toMillis(), checkpointInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Stops every loop; waits a little for a status or checkpoint in flight to finish. */
    synchronized void stop() {
        if (ownershipWatch != null) {
            ownershipWatch.shutdownNow();
        }
        if (loops != null) {
            loops.shutdownNow();
            try {
                loops.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(heartbeatConnection);
            heartbeatConnection = null;
        }
    }

    private static void checkOwnership(TableOwnership ownership, WorkGate gate) {
        try {
            ownership.check();
        } catch (UnsafeToContinueException e) {
            gate.ownershipLost(e);
        } catch (SQLException e) {
            log.debug("The ownership check could not reach the server: {}", e.getMessage());
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: the lock would go unwatched for the rest of the run.
            log.warn("The ownership check failed unexpectedly; it runs again in {} s", OWNERSHIP_CHECK.toSeconds(), e);
        }
    }

    private void heartbeat(Changelog changelog, Connections connections) {
        try {
            if (heartbeatConnection == null || heartbeatConnection.isClosed()) {
                heartbeatConnection = connections.open();
                // A session gone silent (a lost node, a black-holing firewall) must not hold up the heartbeat for good.
                heartbeatConnection.setNetworkTimeout(Runnable::run, (int) HEARTBEAT_NETWORK_TIMEOUT.toMillis());
            }
            changelog.writeHeartbeat(heartbeatConnection);
        } catch (SQLException e) {
            log.debug("Heartbeat failed: {}", e.getMessage());
            closeQuietly(heartbeatConnection);
            heartbeatConnection = null;
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a session that cannot close cleanly is gone anyway
            }
        }
    }
}
