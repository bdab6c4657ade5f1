package dev.umbra.engine.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.plan.ThrottleOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottleOptionsTest {

    @Test
    void replicasParseAsHostAndPortWithTheDefaultPort() {
        assertThat(ReplicaAddress.parseList("db2:3307, db3 ,[::1]:3308")).containsExactly(new ReplicaAddress("db2", 3307),
                new ReplicaAddress("db3", 3306), new ReplicaAddress("[::1]", 3308));
        assertThatThrownBy(() -> ReplicaAddress.parseList("db2:x")).hasMessageContaining("\"db2:x\" is not host:port");
        assertThatThrownBy(() -> ReplicaAddress.parseList(" , ")).hasMessageContaining("no replica given");
        assertThatThrownBy(() -> ReplicaAddress.parseList("db2:70000")).hasMessageContaining("between 1 and 65535");
    }

    @Test
    void aLagLimitNeedsReplicasAndReplicasHaveADefaultLimit() {
        assertThatThrownBy(() -> ThrottleOptions.none().withMaxReplicaLag(Duration.ofSeconds(1)))
                .hasMessageContaining("needs the replicas");
        ThrottleOptions watched = ThrottleOptions.none().withReplicas(List.of(new ReplicaAddress("db2", 3306)));
        assertThat(watched.effectiveMaxReplicaLag()).isEqualTo(Duration.ofMillis(1500));
        assertThat(watched.isEmpty()).isFalse();
        assertThat(ThrottleOptions.none().isEmpty()).isTrue();
    }

    @Test
    void theHeartbeatIsWrittenOftenEnoughToMeasureTheLimit() {
        ThrottleOptions watched = ThrottleOptions.none().withReplicas(List.of(new ReplicaAddress("db2", 3306)));
        Duration configured = Duration.ofMillis(500);
        assertThat(watched.heartbeatInterval(configured)).isEqualTo(Duration.ofMillis(500));
        assertThat(watched.withMaxReplicaLag(Duration.ofMillis(900)).heartbeatInterval(configured)).isEqualTo(Duration.ofMillis(300));
        assertThat(watched.withMaxReplicaLag(Duration.ofMillis(30)).heartbeatInterval(configured)).isEqualTo(Duration.ofMillis(100));
        assertThat(ThrottleOptions.none().heartbeatInterval(configured)).isEqualTo(configured);
    }
}
