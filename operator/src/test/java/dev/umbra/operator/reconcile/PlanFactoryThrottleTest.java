package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.plan.ThrottleOptions;
import dev.umbra.operator.model.DatabaseSpec;
import dev.umbra.operator.model.ReplicaEndpoint;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SecretReference;
import dev.umbra.operator.model.ThrottleSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.throttle and spec.database.replicas reach the engine's throttle; bad values are refused by field. */
class PlanFactoryThrottleTest {

    private static final DatabaseCredentials LOGIN = new DatabaseCredentials("umbra", "secret");

    @Test
    void replicasAndLimitsBecomeTheEnginesThrottle() throws Exception {
        SchemaMigrationSpec spec = spec();
        spec.getDatabase().setReplicas(List.of(replica("replica-0.db", 3307), replica(" replica-1.db ", null)));
        spec.setThrottle(new ThrottleSpec());
        spec.getThrottle().setMaxReplicaLagMillis(800L);
        spec.getThrottle().setMaxLoad("Threads_running=25, Threads_connected=500");
        spec.getThrottle().setCriticalLoad("Threads_running=200");

        ThrottleOptions throttle = PlanFactory.plan(spec, LOGIN, false).options().throttle();

        assertThat(throttle.replicas()).containsExactly(new ReplicaAddress("replica-0.db", 3307),
                new ReplicaAddress("replica-1.db", 3306));
        assertThat(throttle.effectiveMaxReplicaLag()).isEqualTo(Duration.ofMillis(800));
        assertThat(throttle.maxLoad().orElseThrow().limits()).isEqualTo(Map.of("Threads_running", 25L, "Threads_connected", 500L));
        assertThat(throttle.criticalLoad().orElseThrow().limits()).isEqualTo(Map.of("Threads_running", 200L));
    }

    @Test
    void replicasWithoutALimitAreWatchedAtTheDefaultLag() throws Exception {
        SchemaMigrationSpec spec = spec();
        spec.getDatabase().setReplicas(List.of(replica("replica-0.db", 3306)));
        ThrottleOptions throttle = PlanFactory.plan(spec, LOGIN, false).options().throttle();
        assertThat(throttle.effectiveMaxReplicaLag()).isEqualTo(ThrottleOptions.DEFAULT_MAX_REPLICA_LAG);
        assertThat(PlanFactory.plan(spec(), LOGIN, false).options().throttle().isEmpty()).isTrue();
    }

    @Test
    void badThrottleFieldsAreRefusedByName() {
        SchemaMigrationSpec lagWithoutReplicas = spec();
        lagWithoutReplicas.setThrottle(new ThrottleSpec());
        lagWithoutReplicas.getThrottle().setMaxReplicaLagMillis(1000L);
        assertThatThrownBy(() -> PlanFactory.plan(lagWithoutReplicas, LOGIN, false))
                .hasMessageContaining("spec.throttle.maxReplicaLagMillis needs the replicas");

        SchemaMigrationSpec badLoad = spec();
        badLoad.setThrottle(new ThrottleSpec());
        badLoad.getThrottle().setCriticalLoad("Threads_running");
        assertThatThrownBy(() -> PlanFactory.plan(badLoad, LOGIN, false))
                .hasMessageContaining("spec.throttle.criticalLoad: \"Threads_running\" is not Status_variable=limit");

        SchemaMigrationSpec hostless = spec();
        hostless.getDatabase().setReplicas(List.of(replica(" ", 3306)));
        assertThatThrownBy(() -> PlanFactory.plan(hostless, LOGIN, false))
                .hasMessageContaining("spec.database.replicas[0].host is required");
    }

    @Test
    void theThrottledExampleIsAValidMigrationWithReplicasAndLimits() throws Exception {
        SchemaMigration example;
        try (InputStream yaml = Files.newInputStream(Path.of("..", "examples", "throttled.yaml"))) {
            example = new KubernetesSerialization().unmarshal(yaml, SchemaMigration.class);
        }
        MigrationOptions options = PlanFactory.plan(example.getSpec(), LOGIN, false).options();
        assertThat(options.copyWorkers()).isEqualTo(1);
        assertThat(options.chunkSize()).isEqualTo(500);
        ThrottleOptions throttle = options.throttle();
        assertThat(throttle.replicas()).hasSize(2);
        assertThat(throttle.effectiveMaxReplicaLag()).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.maxLoad()).isPresent();
        assertThat(throttle.criticalLoad()).isPresent();
    }

    private static SchemaMigrationSpec spec() {
        DatabaseSpec database = new DatabaseSpec();
        database.setHost("primary.db");
        database.setSchema("shop");
        database.setCredentialsSecretRef(new SecretReference("login"));
        SchemaMigrationSpec spec = new SchemaMigrationSpec();
        spec.setDatabase(database);
        spec.setTable("items");
        spec.setAlter("ADD COLUMN c INT");
        return spec;
    }

    private static ReplicaEndpoint replica(String host, Integer port) {
        ReplicaEndpoint replica = new ReplicaEndpoint();
        replica.setHost(host);
        replica.setPort(port);
        return replica;
    }
}
