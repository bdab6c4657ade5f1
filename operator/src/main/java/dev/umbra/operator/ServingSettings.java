package dev.umbra.operator;

import dev.umbra.engine.plan.HostName;
import dev.umbra.operator.ha.LeaderElectionSettings;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the operator serves as a Deployment: the HTTP port for probes and metrics, and leader election
 * between replicas.
 *
 * @param httpPort       the port of /healthz, /readyz and /metrics (0: any free port); empty: none
 * @param httpBindAddress the address that port listens on (an IP literal); empty: every interface
 * @param leaderElection leader election, if on
 */
public record ServingSettings(OptionalInt httpPort, Optional<String> httpBindAddress,
                             Optional<LeaderElectionSettings> leaderElection) {

    /** The port of /healthz, /readyz and /metrics; {@value #DEFAULT_HTTP_PORT} when unset. */
    public static final String HTTP_PORT_ENV = "UMBRA_HTTP_PORT";
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** The address the HTTP port listens on (an IPv4 or IPv6 literal); every interface when unset. */
    public static final String HTTP_BIND_ADDRESS_ENV = "UMBRA_HTTP_BIND_ADDRESS";

    /** No HTTP port and no leader election: what tests and the playground use. */
    public static ServingSettings none() {
        return new ServingSettings(OptionalInt.empty(), Optional.empty(), Optional.empty());
    }

    public ServingSettings withHttpPort(int port) {
        return new ServingSettings(OptionalInt.of(port), httpBindAddress, leaderElection);
    }

    public ServingSettings withLeaderElection(LeaderElectionSettings settings) {
        return new ServingSettings(httpPort, httpBindAddress, Optional.of(settings));
    }

    /** The HTTP port from {@value #HTTP_PORT_ENV} (default {@value #DEFAULT_HTTP_PORT}), leader election as {@link LeaderElectionSettings#fromEnvironment} says. */
    public static ServingSettings fromEnvironment(Map<String, String> environment) {
        String port = environment.get(HTTP_PORT_ENV);
        int httpPort = DEFAULT_HTTP_PORT;
        if (port != null && !port.isBlank()) {
            try {
                httpPort = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(HTTP_PORT_ENV + " must be a port number, not \"" + port + "\"");
            }
            if (httpPort < 0 || httpPort > 65535) {
                throw new IllegalArgumentException(HTTP_PORT_ENV + " must be between 0 and 65535, not " + httpPort);
            }
        }
        String bind = environment.get(HTTP_BIND_ADDRESS_ENV);
        Optional<String> bindAddress = Optional.empty();
        if (bind != null && !bind.isBlank()) {
            String address = HostName.check(bind.strip(), HTTP_BIND_ADDRESS_ENV);
            if (!HostName.isIpLiteral(address)) {
                throw new IllegalArgumentException(HTTP_BIND_ADDRESS_ENV + " must be an IP address of this pod, not the name \""
                        + address + "\"");
            }
            bindAddress = Optional.of(address);
        }
        return new ServingSettings(OptionalInt.of(httpPort), bindAddress, LeaderElectionSettings.fromEnvironment(environment));
    }
}
