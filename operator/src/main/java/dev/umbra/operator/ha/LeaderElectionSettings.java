package dev.umbra.operator.ha;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Leader election between operator replicas through a coordination.k8s.io Lease: only the holder
 * reconciles and so runs migrations; another replica takes the Lease over when the holder stops
 * renewing it (it exited, or lost the API server for longer than the lease duration).
 *
 * @param leaseName      the Lease's name
 * @param leaseNamespace the Lease's namespace (the operator's own)
 * @param identity       this replica's name in the Lease (the Pod name)
 * @param leaseDuration  how long a Lease nobody renews keeps others waiting
 * @param renewDeadline  how long the holder keeps trying to renew before it gives up leading
 * @param retryPeriod    how often replicas try to take or renew the Lease
 * @param exitOnLoss     exit the process when leadership is lost (the Pod restarts and waits as a
 *                       standby), so that a replica that lost the Lease never keeps running migrations
 */
public record LeaderElectionSettings(String leaseName, String leaseNamespace, String identity, Duration leaseDuration,
                                     Duration renewDeadline, Duration retryPeriod, boolean exitOnLoss) {

    /** "true" turns leader election on. */
    public static final String ENABLED_ENV = "UMBRA_LEADER_ELECTION";
    public static final String LEASE_NAME_ENV = "UMBRA_LEASE_NAME";
    /** The Lease's namespace; defaults to {@value #POD_NAMESPACE_ENV}. */
    public static final String LEASE_NAMESPACE_ENV = "UMBRA_LEASE_NAMESPACE";
    public static final String POD_NAMESPACE_ENV = "POD_NAMESPACE";
    public static final String POD_NAME_ENV = "POD_NAME";
    public static final String DEFAULT_LEASE_NAME = "umbra-operator-lease";

    public LeaderElectionSettings {
        if (!renewDeadline.minus(leaseDuration).isNegative() || !retryPeriod.minus(renewDeadline).isNegative()) {
            throw new IllegalArgumentException("leader election needs retry period < renew deadline < lease duration, not "
                    + retryPeriod + ", " + renewDeadline + ", " + leaseDuration);
        }
    }

    /** Kubernetes' usual timings (those of kube-controller-manager): 15 s lease, 10 s renew deadline, 2 s retry. */
    public static LeaderElectionSettings of(String leaseName, String leaseNamespace, String identity) {
        return new LeaderElectionSettings(leaseName, leaseNamespace, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2), true);
    }

    public LeaderElectionSettings withTimings(Duration lease, Duration renew, Duration retry) {
        return new LeaderElectionSettings(leaseName, leaseNamespace, identity, lease, renew, retry, exitOnLoss);
    }

    public LeaderElectionSettings withExitOnLoss(boolean value) {
        return new LeaderElectionSettings(leaseName, leaseNamespace, identity, leaseDuration, renewDeadline, retryPeriod, value);
    }

    /** Empty unless {@value #ENABLED_ENV} is "true"; then the Lease's namespace must be known. */
    public static Optional<LeaderElectionSettings> fromEnvironment(Map<String, String> environment) {
        if (!"true".equalsIgnoreCase(environment.getOrDefault(ENABLED_ENV, "").trim())) {
            return Optional.empty();
        }
        String namespace = firstSet(environment, LEASE_NAMESPACE_ENV, POD_NAMESPACE_ENV)
                .orElseThrow(() -> new IllegalArgumentException(ENABLED_ENV + "=true needs the Lease's namespace: set "
                        + LEASE_NAMESPACE_ENV + " or " + POD_NAMESPACE_ENV + " (the chart sets " + POD_NAMESPACE_ENV
                        + " from the Pod's namespace)"));
        String name = firstSet(environment, LEASE_NAME_ENV).orElse(DEFAULT_LEASE_NAME);
        String identity = firstSet(environment, POD_NAME_ENV).orElseGet(LeaderElectionSettings::hostName);
        return Optional.of(of(name, namespace, identity));
    }

    public LeaderElectionConfiguration toConfiguration() {
        LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
                .withLeaseNamespace(leaseNamespace)
                .withIdentity(identity)
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(renewDeadline)
                .withRetryPeriod(retryPeriod);
        // JOSDK 5.3 exits the process on a lost lease unless the configuration is built for a test;
        // two replicas in one test JVM must not take the JVM down with them.
        return exitOnLoss ? builder.build() : builder.buildForTest(false);
    }

    private static Optional<String> firstSet(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "umbra-operator-" + ProcessHandle.current().pid();
        }
    }
}
