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
 * @param diagnosticsIncludeStatements log other sessions' statements and sample row values that
 *                                status and Events leave out (a lock blocker's query, duplicate
 *                                values); off by default, and never in status or Events either way
 */
public record OperatorSettings(Set<String> namespaces, int maxConcurrentMigrations, Duration statusInterval,
                               Duration recheckInterval, boolean diagnosticsIncludeStatements) {

    /** The environment variable with a comma list of namespaces to watch (empty or unset: all). */
    public static final String NAMESPACES_ENV = "UMBRA_NAMESPACES";
    /** The environment variable with the most migrations that run at once. */
    public static final String MAX_CONCURRENT_ENV = "UMBRA_MAX_CONCURRENT_MIGRATIONS";
    /** The environment variable that turns on {@link #diagnosticsIncludeStatements()} ({@code true}). */
    public static final String DIAGNOSTICS_ENV = "UMBRA_DIAGNOSTICS_INCLUDE_STATEMENTS";

    public OperatorSettings {
        namespaces = Set.copyOf(namespaces);
        if (maxConcurrentMigrations < 1) {
            throw new IllegalArgumentException("at least one migration must be allowed to run, not " + maxConcurrentMigrations);
        }
    }

    public static OperatorSettings defaults() {
        return new OperatorSettings(Set.of(), 4, Duration.ofSeconds(3), Duration.ofSeconds(5), false);
    }

    public OperatorSettings withNamespaces(Set<String> value) {
        return new OperatorSettings(value, maxConcurrentMigrations, statusInterval, recheckInterval, diagnosticsIncludeStatements);
    }

    public OperatorSettings withMaxConcurrentMigrations(int value) {
        return new OperatorSettings(namespaces, value, statusInterval, recheckInterval, diagnosticsIncludeStatements);
    }

    public OperatorSettings withStatusInterval(Duration value) {
        return new OperatorSettings(namespaces, maxConcurrentMigrations, value, recheckInterval, diagnosticsIncludeStatements);
    }

    public OperatorSettings withRecheckInterval(Duration value) {
        return new OperatorSettings(namespaces, maxConcurrentMigrations, statusInterval, value, diagnosticsIncludeStatements);
    }

    public OperatorSettings withDiagnosticsIncludeStatements(boolean value) {
        return new OperatorSettings(namespaces, maxConcurrentMigrations, statusInterval, recheckInterval, value);
    }

    /** Defaults, overridden by {@value #NAMESPACES_ENV}, {@value #MAX_CONCURRENT_ENV} and {@value #DIAGNOSTICS_ENV} where set. */
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
        if ("true".equalsIgnoreCase(environment.getOrDefault(DIAGNOSTICS_ENV, "").trim())) {
            settings = settings.withDiagnosticsIncludeStatements(true);
        }
        return settings;
    }

    public static Set<String> parseNamespaces(String commaList) {
        return Arrays.stream(commaList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
