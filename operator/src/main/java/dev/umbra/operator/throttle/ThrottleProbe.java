package dev.umbra.operator.throttle;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.run.MigrationControl;
import dev.umbra.engine.sql.Connections;
import dev.umbra.operator.model.ReplicaEndpoint;
import dev.umbra.operator.model.ThrottleSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The engine's external throttle for {@code spec.throttle}: checks the writer's load and the
 * replicas' lag at most once per interval (the engine asks far more often) and says why to hold, if
 * it should. A critical load aborts the migration. A check that fails holds too, with the reason:
 * it is safer to wait than to load a server that cannot be observed.
 */
public final class ThrottleProbe implements Supplier<Optional<String>>, AutoCloseable {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final Connections writer;
    private final List<Connections> replicas = new ArrayList<>();
    private final Optional<LoadLimits> maxLoad;
    private final Optional<LoadLimits> criticalLoad;
    private final Long maxReplicaLagMillis;
    private final MigrationControl control;
    private final Set<String> variables = new LinkedHashSet<>();
    private Connection writerSession;
    private long checkedAtNanos;
    private Optional<String> reason = Optional.empty();
    private volatile long replicaLagMillis = -1;

    public ThrottleProbe(ConnectionSettings writer, String schema, List<ReplicaEndpoint> replicaEndpoints, ThrottleSpec spec,
                         MigrationControl control) {
        this.writer = new Connections(writer, schema);
        if (replicaEndpoints != null) {
            for (ReplicaEndpoint replica : replicaEndpoints) {
                replicas.add(new Connections(new ConnectionSettings(replica.getHost().trim(), replica.portOrDefault(),
                        writer.user(), writer.password()), schema));
            }
        }
        this.maxLoad = Optional.ofNullable(spec.getMaxLoad()).map(LoadLimits::parse);
        this.criticalLoad = Optional.ofNullable(spec.getCriticalLoad()).map(LoadLimits::parse);
        this.maxReplicaLagMillis = spec.getMaxReplicaLagMillis();
        this.control = control;
        maxLoad.ifPresent(limits -> variables.addAll(limits.limits().keySet()));
        criticalLoad.ifPresent(limits -> variables.addAll(limits.limits().keySet()));
    }

    @Override
    public synchronized Optional<String> get() {
        long now = System.nanoTime();
        if (checkedAtNanos != 0 && now - checkedAtNanos < INTERVAL.toNanos()) {
            return reason;
        }
        checkedAtNanos = now;
        reason = check();
        return reason;
    }

    /** The largest replica lag at the last check, or -1 if none was measured. */
    public long replicaLagMillis() {
        return replicaLagMillis;
    }

    private Optional<String> check() {
        if (!variables.isEmpty()) {
            Map<String, Long> values;
            try {
                values = globalStatus();
            } catch (SQLException e) {
                closeWriterSession();
                return Optional.of("cannot read the writer's load: " + e.getMessage());
            }
            Optional<String> critical = criticalLoad.flatMap(limits -> limits.exceeded(values));
            if (critical.isPresent()) {
                control.abort("critical load " + critical.get() + " (spec.throttle.criticalLoad)");
                return Optional.of("critical load " + critical.get());
            }
            Optional<String> high = maxLoad.flatMap(limits -> limits.exceeded(values));
            if (high.isPresent()) {
                return Optional.of("max load " + high.get());
            }
        }
        if (maxReplicaLagMillis != null) {
            return replicaLag();
        }
        return Optional.empty();
    }

    private Map<String, Long> globalStatus() throws SQLException {
        if (writerSession == null || writerSession.isClosed()) {
            writerSession = writer.open();
        }
        Map<String, Long> values = new HashMap<>();
        try (PreparedStatement statement = writerSession.prepareStatement("SHOW GLOBAL STATUS LIKE ?")) {
            for (String variable : variables) {
                statement.setString(1, variable);
                try (ResultSet row = statement.executeQuery()) {
                    if (row.next()) {
                        try {
                            values.put(variable.toLowerCase(Locale.ROOT), Long.parseLong(row.getString(2).trim()));
                        } catch (NumberFormatException ignored) {
                            // not a counter: it cannot exceed a limit
                        }
                    }
                }
            }
        }
        return values;
    }

    private Optional<String> replicaLag() {
        long largest = 0;
        for (Connections replica : replicas) {
            String name = replica.settings().host() + ":" + replica.settings().port();
            try (Connection session = replica.open(); Statement statement = session.createStatement();
                 ResultSet row = statement.executeQuery("SHOW SLAVE STATUS")) {
                if (!row.next()) {
                    return Optional.of("replica " + name + " is not a replica (SHOW SLAVE STATUS is empty)");
                }
                long seconds = row.getLong("Seconds_Behind_Master");
                if (row.wasNull()) {
                    return Optional.of("replica " + name + " is not replicating");
                }
                largest = Math.max(largest, seconds * 1000);
                if (seconds * 1000 > maxReplicaLagMillis) {
                    replicaLagMillis = largest;
                    return Optional.of("replica lag " + name + " " + seconds * 1000 + " ms > " + maxReplicaLagMillis + " ms");
                }
            } catch (SQLException e) {
                return Optional.of("cannot read the lag of replica " + name + ": " + e.getMessage());
            }
        }
        replicaLagMillis = largest;
        return Optional.empty();
    }

    private void closeWriterSession() {
        if (writerSession != null) {
            try {
                writerSession.close();
            } catch (SQLException ignored) {
                // gone anyway
            }
            writerSession = null;
        }
    }

    @Override
    public synchronized void close() {
        closeWriterSession();
    }
}
