package dev.umbra.operator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs.
 *
 * @param namespaces              the namespaces to watch; empty for all
 * @param maxConcurrentMigrations the most migrations that run at once (others wait in Pending)
 * @param statusInterval          the least time between two status writes of one resource (phase
 *                                changes and control acknowledgements are written at once)
 * @param recheckInterval         how often a Pending migration that waits for its table or a runner
 *                                checks again
 */
public record OperatorSettings(Set<String> namespaces, int maxConcurrentMigrations, Duration statusInterval,
                               Duration recheckInterval) {

    /** The environment variable with a comma list of namespaces to watch (empty or unset: all). */
    public static final String NAMESPACES_ENV = "UMBRA_NAMESPACES";
    /** The environment variable with the most migrations that run at once. */
    public static final String MAX_CONCURRENT_ENV = "UMBRA_MAX_CONCURRENT_MIGRATIONS";

    public OperatorSettings {
        namespaces = Set.copyOf(namespaces);
        if (maxConcurrentMigrations < 1) {
            throw new IllegalArgumentException("at least one migration must be allowed to run, not " + maxConcurrentMigrations);
        }
    }

    public static OperatorSettings defaults() {
        return new OperatorSettings(Set.of(), 4, Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    public OperatorSettings withNamespaces(Set<String> value) {
        return new OperatorSettings(value, maxConcurrentMigrations, statusInterval, recheckInterval);
    }

    public OperatorSettings withMaxConcurrentMigrations(int value) {
        return new OperatorSettings(namespaces, value, statusInterval, recheckInterval);
    }

    public OperatorSettings withStatusInterval(Duration value) {
        return new OperatorSettings(namespaces, maxConcurrentMigrations, value, recheckInterval);
    }

    public OperatorSettings withRecheckInterval(Duration value) {
        return new OperatorSettings(namespaces, maxConcurrentMigrations, statusInterval, value);
    }

    /** Defaults, overridden by {@value #NAMESPACES_ENV} and {@value #MAX_CONCURRENT_ENV} where set. */
    public static OperatorSettings fromEnvironment(Map<String, String> environment) {
        OperatorSettings settings = defaults();
        String namespaces = environment.get(NAMESPACES_ENV);
        if (namespaces != null && !namespaces.isBlank()) {
            settings = settings.withNamespaces(parseNamespaces(namespaces));
        }
        String max = environment.get(MAX_CONCURRENT_ENV);
        if (max != null && !max.isBlank()) {
            settings = settings.withMaxConcurrentMigrations(Integer.parseInt(max.trim()));
        }
        return settings;
    }

    public static Set<String> parseNamespaces(String commaList) {
        return Arrays.stream(commaList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
