package dev.umbra.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.operator.ha.LeaderElectionSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the chart's environment variables turn into: the HTTP port and leader election, with clear errors. */
class ServingSettingsTest {

    @Test
    void defaultsServePort8080WithoutLeaderElection() {
        ServingSettings serving = ServingSettings.fromEnvironment(Map.of());
        assertThat(serving.httpPort()).hasValue(8080);
        assertThat(serving.httpBindAddress()).as("every interface").isEmpty();
        assertThat(serving.leaderElection()).isEmpty();
    }

    @Test
    void theHttpPortListensOnTheAddressTheChartGives() {
        assertThat(ServingSettings.fromEnvironment(Map.of(ServingSettings.HTTP_BIND_ADDRESS_ENV, "10.1.2.3")).httpBindAddress())
                .hasValue("10.1.2.3");
        assertThat(ServingSettings.fromEnvironment(Map.of(ServingSettings.HTTP_BIND_ADDRESS_ENV, "fd00::7")).httpBindAddress())
                .hasValue("fd00::7");
        assertThatThrownBy(() -> ServingSettings.fromEnvironment(Map.of(ServingSettings.HTTP_BIND_ADDRESS_ENV, "10.1.2.3:80")))
                .hasMessageContaining(ServingSettings.HTTP_BIND_ADDRESS_ENV);
        assertThatThrownBy(() -> ServingSettings.fromEnvironment(Map.of(ServingSettings.HTTP_BIND_ADDRESS_ENV, "metrics.local")))
                .hasMessageContaining("must be an IP address of this pod");
    }

    @Test
    void theChartsEnvironmentTurnsLeaderElectionOnWithThePodAsIdentity() {
        ServingSettings serving = ServingSettings.fromEnvironment(Map.of(ServingSettings.HTTP_PORT_ENV, "9090",
                LeaderElectionSettings.ENABLED_ENV, "true", LeaderElectionSettings.LEASE_NAME_ENV, "umbra-operator-lease",
                LeaderElectionSettings.POD_NAME_ENV, "umbra-7d9f-abcde", LeaderElectionSettings.POD_NAMESPACE_ENV, "umbra-system"));
        assertThat(serving.httpPort()).hasValue(9090);
        LeaderElectionSettings election = serving.leaderElection().orElseThrow();
        assertThat(election.leaseName()).isEqualTo("umbra-operator-lease");
        assertThat(election.leaseNamespace()).isEqualTo("umbra-system");
        assertThat(election.identity()).isEqualTo("umbra-7d9f-abcde");
        assertThat(election.exitOnLoss()).as("a replica that lost the Lease must not keep running migrations").isTrue();
        assertThat(election.toConfiguration().getLeaseDuration()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ServingSettings.fromEnvironment(Map.of(ServingSettings.HTTP_PORT_ENV, "http")))
                .hasMessage("UMBRA_HTTP_PORT must be a port number, not \"http\"");
        assertThatThrownBy(() -> ServingSettings.fromEnvironment(Map.of(LeaderElectionSettings.ENABLED_ENV, "true")))
                .hasMessageContaining("needs the Lease's namespace: set UMBRA_LEASE_NAMESPACE or POD_NAMESPACE");
        assertThatThrownBy(() -> LeaderElectionSettings.of("l", "ns", "me")
                .withTimings(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(1)))
                .hasMessageContaining("retry period < renew deadline < lease duration");
    }
}
