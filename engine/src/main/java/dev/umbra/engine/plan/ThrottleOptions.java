package dev.umbra.engine.plan;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When copy and apply hold back, and when the migration gives up.
 *
 * @param replicas      replicas whose lag is measured (through the changelog heartbeat); empty: none
 * @param maxReplicaLag hold while a replica lags more than this; with replicas but no limit, 1.5 s
 * @param maxLoad       hold while a global status variable of the writer is above its limit
 * @param criticalLoad  abort when a global status variable of the writer is above its limit
 */
public record ThrottleOptions(List<ReplicaAddress> replicas, Optional<Duration> maxReplicaLag,
                              Optional<LoadLimits> maxLoad, Optional<LoadLimits> criticalLoad) {

    /** gh-ost's default for {@code --max-lag-millis}. */
    public static final Duration DEFAULT_MAX_REPLICA_LAG = Duration.ofMillis(1500);
    private static final Duration SHORTEST_HEARTBEAT = Duration.ofMillis(100);

    public ThrottleOptions {
        replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
        Objects.requireNonNull(maxReplicaLag, "maxReplicaLag");
        Objects.requireNonNull(maxLoad, "maxLoad");
        Objects.requireNonNull(criticalLoad, "criticalLoad");
        if (maxReplicaLag.isPresent()) {
            if (maxReplicaLag.get().toMillis() < 1) {
                throw new IllegalArgumentException("the maximum replica lag must be at least 1 ms");
            }
            if (replicas.isEmpty()) {
                throw new IllegalArgumentException("a maximum replica lag needs the replicas to measure it on"
                        + " (--throttle-control-replicas, spec.database.replicas)");
            }
        }
    }

    public static ThrottleOptions none() {
        return new ThrottleOptions(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isEmpty() {
        return replicas.isEmpty() && maxLoad.isEmpty() && criticalLoad.isEmpty();
    }

    /** The lag limit in force: the one given, or {@link #DEFAULT_MAX_REPLICA_LAG} when replicas are given. */
    public Duration effectiveMaxReplicaLag() {
        return maxReplicaLag.orElse(DEFAULT_MAX_REPLICA_LAG);
    }

    /**
     * How often to write the heartbeat: lag is measured as the age of the newest heartbeat a
     * replica has, so it reads up to one interval high; a third of the limit keeps that error small.
     */
    public Duration heartbeatInterval(Duration configured) {
        if (replicas.isEmpty()) {
            return configured;
        }
        Duration third = effectiveMaxReplicaLag().dividedBy(3);
        Duration wanted = third.compareTo(SHORTEST_HEARTBEAT) < 0 ? SHORTEST_HEARTBEAT : third;
        return wanted.compareTo(configured) < 0 ? wanted : configured;
    }

    public ThrottleOptions withReplicas(List<ReplicaAddress> value) {
        return new ThrottleOptions(value, maxReplicaLag, maxLoad, criticalLoad);
    }

    public ThrottleOptions withMaxReplicaLag(Duration value) {
        return new ThrottleOptions(replicas, Optional.ofNullable(value), maxLoad, criticalLoad);
    }

    public ThrottleOptions withMaxLoad(LoadLimits value) {
        return new ThrottleOptions(replicas, maxReplicaLag, Optional.ofNullable(value), criticalLoad);
    }

    public ThrottleOptions withCriticalLoad(LoadLimits value) {
        return new ThrottleOptions(replicas, maxReplicaLag, maxLoad, Optional.ofNullable(value));
    }
}
