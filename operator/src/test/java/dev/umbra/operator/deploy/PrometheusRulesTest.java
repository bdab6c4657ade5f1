package dev.umbra.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts, as the chart renders them, evaluated by Prometheus's own rule tester
 * ({@code promtool test rules}, which {@code scripts/test} installs with Debian's prometheus
 * package) over series shaped like the operator's: each fires when it should, with its labels and
 * text, and not before (src/test/resources/prometheus/rules-test.yaml).
 */
class PrometheusRulesTest {

    private static final Path RULE_TESTS = Path.of("src", "test", "resources", "prometheus", "rules-test.yaml");
    private static final Pattern ALERT = Pattern.compile("\"alert\"\\s*:\\s*\"(\\w+)\"");
    private static final Pattern TESTED = Pattern.compile("alertname:\\s*(\\w+)");

    @Test
    void everyAlertFiresWhenItShouldAndNotBefore() throws Exception {
        Path directory = Files.createTempDirectory("umbra-prometheus-rules");
        Files.writeString(directory.resolve("rules.yaml"), renderedRules()); // JSON is YAML
        Files.copy(RULE_TESTS, directory.resolve("rules-test.yaml"));
        Process promtool = new ProcessBuilder(promtool().toString(), "test", "rules", "rules-test.yaml")
                .directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        assertThat(promtool.exitValue()).as("promtool test rules:%n%s", output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void everyAlertOfTheChartHasItsTest() throws Exception {
        Set<String> alerts = matches(ALERT, renderedRules());
        assertThat(alerts).contains("UmbraMigrationFailed", "UmbraAwaitingPlanApproval", "UmbraOperatorDown");
        assertThat(matches(TESTED, Files.readString(RULE_TESTS))).isEqualTo(alerts);
    }

    /** The rule groups of the chart's PrometheusRule, with the job name the chart fills in. */
    private static String renderedRules() {
        GenericKubernetesResource rule = RenderedChart.renderWithValues("""
                metrics:
                  prometheusRule:
                    enabled: true
                """).object(GenericKubernetesResource.class, "umbra");
        return RenderedChart.json(rule.getAdditionalProperties().get("spec"));
    }

    private static Path promtool() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(directory -> Path.of(directory, "promtool")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("promtool is not on the PATH: scripts/test installs it (Debian's"
                        + " prometheus package), or run: apt-get install --no-install-recommends prometheus"));
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
