package dev.umbra.engine.throttle;

import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.PasswordSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * {@code maxReplicaLag}: reads the changelog heartbeat on each replica and holds while one is
 * older than the limit. The heartbeat carries the time Umbra wrote it, by Umbra's own clock, so
 * the lag needs no clock agreement between servers and counts everything between the writer and
 * the replica's applied data (unlike {@code Seconds_Behind_Master}, whole seconds, and NULL or 0
 * in the cases that matter). A replica that cannot be reached, or has no heartbeat yet, counts as
 * lagging; so does one whose replication stopped, since its heartbeat no longer advances.
 */
final class ReplicaLagCheck implements ThrottleCheck {

    private static final int ER_NO_SUCH_TABLE = 1146;
    private static final int ER_BAD_DB_ERROR = 1049;

    private final Map<ReplicaAddress, Connections> replicas = new LinkedHashMap<>();
    private final Map<ReplicaAddress, Connection> sessions = new LinkedHashMap<>();
    private final Changelog changelog;
    private final Duration maxLag;
    private final LongSupplier nowMillis;
    /** Each replica's lag at the last check that could measure it. */
    private volatile Map<String, Duration> lags = Map.of();

    /** @param passwordSource where the sessions get the password, or null for the credentials' own */
    ReplicaLagCheck(List<ReplicaAddress> addresses, ConnectionSettings credentials, PasswordSource passwordSource,
                    Changelog changelog, Duration maxLag, LongSupplier nowMillis) {
        for (ReplicaAddress address : addresses) {
            Connections sessions = new Connections(credentials.at(address.host(), address.port()), "");
            sessions.setPasswordSource(passwordSource);
            replicas.put(address, sessions);
        }
        this.changelog = changelog;
        this.maxLag = maxLag;
        this.nowMillis = nowMillis;
    }

    /** Each replica's lag (by host:port) measured at the last check; a replica that could not be measured is missing. */
    Map<String, Duration> lags() {
        return lags;
    }

    @Override
    public Hold.Kind kind() {
        return Hold.Kind.REPLICA_LAG;
    }

    @Override
    public Optional<String> check() {
        Map<String, Duration> measured = new LinkedHashMap<>();
        List<String> lagging = new ArrayList<>();
        for (Map.Entry<ReplicaAddress, Connections> replica : replicas.entrySet()) {
            ReplicaAddress address = replica.getKey();
            try {
                Connection session = session(address, replica.getValue());
                Optional<Long> heartbeat = changelog.readHeartbeat(session);
                if (heartbeat.isEmpty()) {
                    lagging.add("replica " + address + " has no heartbeat yet" + replicationState(session));
                    continue;
                }
                long lag = Math.max(0, nowMillis.getAsLong() - heartbeat.get());
                measured.put(address.toString(), Duration.ofMillis(lag));
                if (lag > maxLag.toMillis()) {
                    lagging.add("replica lag " + address + " " + lag + " ms > " + maxLag.toMillis() + " ms"
                            + replicationState(session));
                }
            } catch (SQLException e) {
                closeSession(address);
                if (e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_BAD_DB_ERROR) {
                    lagging.add("replica " + address + " has not received the changelog table yet");
                } else {
                    lagging.add("replica " + address + " cannot be read: " + e.getMessage());
                }
            }
        }
        lags = Collections.unmodifiableMap(measured);
        return lagging.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", lagging));
    }

    private Connection session(ReplicaAddress address, Connections connections) throws SQLException {
        Connection session = sessions.get(address);
        if (session == null || session.isClosed()) {
            session = connections.open();
            sessions.put(address, session);
        }
        return session;
    }

    /** Why a lagging replica lags, when its replica status says so; empty when it cannot tell. */
    private static String replicationState(Connection session) {
        try (Statement statement = session.createStatement(); ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
            if (!status.next()) {
                return " (it is not replicating: SHOW SLAVE STATUS is empty)";
            }
            String io = status.getString("Slave_IO_Running");
            String sql = status.getString("Slave_SQL_Running");
            if (!"Yes".equalsIgnoreCase(sql)) {
                return " (its replication SQL thread is stopped)";
            }
            if (!"Yes".equalsIgnoreCase(io)) {
                return " (its replication IO thread is " + io + ")";
            }
            return "";
        } catch (SQLException e) {
            return ""; // no REPLICATION CLIENT on the replica, or a server without SHOW SLAVE STATUS
        }
    }

    private void closeSession(ReplicaAddress address) {
        Connection session = sessions.remove(address);
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // gone either way
            }
        }
    }

    @Override
    public void close() {
        for (ReplicaAddress address : List.copyOf(sessions.keySet())) {
            closeSession(address);
        }
        // also removes the TLS key stores the driver was given for these servers
        replicas.values().forEach(Connections::close);
    }
}
