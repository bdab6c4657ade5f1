package dev.umbra.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.umbra.operator.ServingSettings;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator on call sees of a running migration: /metrics with its series (labelled
 * namespace, name, table) and JOSDK's reconcile metrics, the probes, and JSON log lines that name
 * the migration; the series go when the resource does.
 */
class MetricsAndLogsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass(ServingSettings.none().withHttpPort(0));

    @EveryFlavor
    void metricsEndpointServesPerMigrationSeriesAndLogLinesNameTheMigration(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 300);
        String namespace = harness.namespaceFor(db);
        List<JsonNode> logLines;
        try (JsonLogCapture logs = new JsonLogCapture()) {
            harness.apply(namespace, "observed", OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1"),
                    Map.of());
            harness.awaitPhase(namespace, "observed", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);
            logLines = logs.lines();
        }
        String waiting = awaitScrape(metrics -> value(metrics, "umbra_migration_phase", namespace, "phase=\"AwaitingCutOver\"")
                .filter(v -> v == 1.0).isPresent(), "phase AwaitingCutOver in /metrics");
        // Monotonic counts are counters, named *_total as Prometheus expects.
        assertThat(value(waiting, "umbra_migration_rows_copied_total", namespace)).hasValue(300.0);
        assertThat(value(waiting, "umbra_migration_rows_estimated", namespace)).isPresent();
        assertThat(value(waiting, "umbra_migration_apply_backlog", namespace)).isPresent();
        assertThat(value(waiting, "umbra_migration_apply_lag_seconds", namespace)).isPresent();
        assertThat(value(waiting, "umbra_migration_binlog_events_applied_total", namespace)).isPresent();
        assertThat(value(waiting, "umbra_migration_throttled", namespace)).hasValue(0.0);
        assertThat(value(waiting, "umbra_migration_cut_over_attempts_total", namespace)).hasValue(0.0);
        assertThat(value(waiting, "umbra_cut_over_lock_seconds_count", namespace)).hasValue(0.0);
        assertThat(value(waiting, "umbra_migration_phase", namespace, "phase=\"Copying\"")).hasValue(0.0);
        assertThat(waiting).as("JOSDK's reconcile metrics").containsPattern("(?m)^operator_sdk_reconciliations_started_total\\{")
                .containsPattern("(?m)^operator_sdk_events_received_total\\{")
                .containsPattern("(?m)^operator_sdk_controllers_execution_reconcile_seconds_count\\{controller=\"schemamigration\"");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        List<JsonNode> aboutTheTable = logLines.stream()
                .filter(line -> line.path("formattedMessage").asText().contains("`items`")).toList();
        assertThat(aboutTheTable).as("JSON log lines about the migrated table").isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("mdc").path("namespace").asText()).isEqualTo(namespace);
            assertThat(line.path("mdc").path("name").asText()).isEqualTo("observed");
            assertThat(line.path("level").asText()).isNotBlank();
            assertThat(line.path("loggerName").asText()).isNotBlank();
        });

        harness.annotate(namespace, "observed", Annotations.APPROVE_CUT_OVER, "true");
        harness.awaitPhase(namespace, "observed", MigrationPhase.DONE, TIMEOUT);
        String done = awaitScrape(metrics -> value(metrics, "umbra_migration_phase", namespace, "phase=\"Done\"")
                .filter(v -> v == 1.0).isPresent(), "phase Done in /metrics");
        double attempts = value(done, "umbra_migration_cut_over_attempts_total", namespace).orElseThrow();
        assertThat(attempts).isGreaterThanOrEqualTo(1);
        assertThat(value(done, "umbra_migration_last_lock_seconds", namespace)).hasValueSatisfying(v -> assertThat(v).isFinite());
        // Every attempt's lock time is in the histogram, with buckets for alerts on its quantiles.
        assertThat(value(done, "umbra_cut_over_lock_seconds_count", namespace)).hasValue(attempts);
        assertThat(value(done, "umbra_cut_over_lock_seconds_sum", namespace)).hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(done).containsPattern("(?m)^umbra_cut_over_lock_seconds_bucket\\{.*le=\"\\+Inf\"");

        harness.migration(namespace, "observed").delete();
        harness.awaitGone(namespace, "observed", TIMEOUT);
        awaitScrape(metrics -> !metrics.contains("namespace=\"" + namespace + "\""), "no series of the deleted migration");
    }

    /** The value of the series of {@code metric} for the migration "observed" in {@code namespace} with the extra labels. */
    private static Optional<Double> value(String metrics, String metric, String namespace, String... labels) {
        return metrics.lines()
                .filter(line -> line.startsWith(metric + "{"))
                .filter(line -> line.contains("namespace=\"" + namespace + "\"") && line.contains("name=\"observed\"")
                        && line.contains("table=\"items\""))
                .filter(line -> List.of(labels).stream().allMatch(line::contains))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }

    private static String awaitScrape(java.util.function.Predicate<String> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            HttpResponse<String> response = get("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            if (condition.test(response.body())) {
                return response.body();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("/metrics did not show " + what + " within " + TIMEOUT.toSeconds() + " s:\n" + response.body());
            }
            OperatorHarness.sleep(100);
        }
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + harness.runtime().httpPort().orElseThrow() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
