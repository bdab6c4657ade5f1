package dev.umbra.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runnable operator's settings: all namespaces and 4 migrations at once unless the environment says otherwise. */
class OperatorSettingsTest {

    @Test
    void defaultsWatchEveryNamespace() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());
        assertThat(settings.namespaces()).isEmpty();
        assertThat(settings.maxConcurrentMigrations()).isEqualTo(4);
        assertThat(settings.statusInterval().toSeconds()).isEqualTo(3);
        assertThat(settings.diagnosticsIncludeStatements()).as("data stays out of the log by default").isFalse();
    }

    @Test
    void environmentTurnsOnDiagnosticsThatIncludeStatements() {
        assertThat(OperatorSettings.fromEnvironment(Map.of(OperatorSettings.DIAGNOSTICS_ENV, "true"))
                .diagnosticsIncludeStatements()).isTrue();
        assertThat(OperatorSettings.fromEnvironment(Map.of(OperatorSettings.DIAGNOSTICS_ENV, "no"))
                .diagnosticsIncludeStatements()).isFalse();
    }

    @Test
    void environmentNamesNamespacesAndTheLimit() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of(OperatorSettings.NAMESPACES_ENV, " shop, billing ,",
                OperatorSettings.MAX_CONCURRENT_ENV, "2"));
        assertThat(settings.namespaces()).isEqualTo(Set.of("shop", "billing"));
        assertThat(settings.maxConcurrentMigrations()).isEqualTo(2);
        assertThatThrownBy(() -> settings.withMaxConcurrentMigrations(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
