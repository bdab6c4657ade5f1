package dev.umbra.operator;

import dev.umbra.operator.http.OperatorHttpServer;
import dev.umbra.operator.metrics.MigrationMetrics;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.reconcile.Credentials;
import dev.umbra.operator.reconcile.SchemaMigrationReconciler;
import dev.umbra.operator.runner.MigrationRuns;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.StatusRecorders;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The operator wired together and started against a Kubernetes API: the main program, the tests
 * and the playground all start it this way. Closing it hands running migrations over (they stop
 * without an end in their status and keep their helper tables, so that the next operator continues
 * them), then stops watching and gives up the leader Lease.
 */
public final class UmbraOperatorRuntime implements AutoCloseable {

    private final Operator operator;
    private final MigrationRuns runs;
    private final PrometheusMeterRegistry registry;
    private final OperatorHttpServer http;

    private UmbraOperatorRuntime(Operator operator, MigrationRuns runs, PrometheusMeterRegistry registry, OperatorHttpServer http) {
        this.operator = operator;
        this.runs = runs;
        this.registry = registry;
        this.http = http;
    }

    public static UmbraOperatorRuntime start(KubernetesClient client, OperatorSettings settings) {
        return start(client, settings, ServingSettings.none());
    }

    public static UmbraOperatorRuntime start(KubernetesClient client, OperatorSettings settings, ServingSettings serving) {
        routeJavaUtilLoggingToSlf4j();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        MigrationMetrics metrics = new MigrationMetrics(registry);
        MigrationRuns runs = new MigrationRuns(settings.maxConcurrentMigrations(), settings.recheckInterval());
        Events events = new Events(client);
        SchemaMigrationReconciler reconciler = new SchemaMigrationReconciler(runs,
                new StatusRecorders(client, settings.statusInterval()), new Credentials(client), events, settings.recheckInterval(),
                metrics, settings.diagnosticsIncludeStatements());
        Operator operator = new Operator(overrider -> {
            overrider
                    .withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // the finalizer is added with an ordinary patch: the same on every API server
                    // (Fabric8's mock server, used by the tests and the playground, has no server-side apply)
                    .withUseSSAToPatchPrimaryResource(false)
                    .checkingCRDAndValidateLocalModel(false)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            serving.leaderElection().ifPresent(election -> overrider.withLeaderElectionConfiguration(election.toConfiguration()));
        });
        operator.<SchemaMigration>register(reconciler, configuration -> {
            if (settings.namespaces().isEmpty()) {
                configuration.watchingAllNamespaces();
            } else {
                configuration.settingNamespaces(settings.namespaces());
            }
        });
        // probes answer while the informers sync: live at once, ready once started
        OperatorHttpServer http = serving.httpPort().isPresent()
                ? startHttp(serving.httpBindAddress(), serving.httpPort().getAsInt(), operator, registry) : null;
        try {
            operator.start();
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            throw e;
        }
        return new UmbraOperatorRuntime(operator, runs, registry, http);
    }

    private static OperatorHttpServer startHttp(Optional<String> bindAddress, int port, Operator operator,
                                                PrometheusMeterRegistry registry) {
        try {
            return OperatorHttpServer.start(bindAddress, port, () -> isReady(operator), registry::scrape);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress.orElse("every interface") + ", port " + port
                    + ", for /healthz, /readyz and /metrics", e);
        }
    }

    /** Started, with healthy informers; a standby without the leader Lease is ready too. */
    private static boolean isReady(Operator operator) {
        RuntimeInfo info = operator.getRuntimeInfo();
        return info.isStarted() && info.allEventSourcesAreHealthy();
    }

    /** What /readyz answers. */
    public boolean isReady() {
        return isReady(operator);
    }

    /** The binlog client logs through java.util.logging; this sends it where everything else goes. */
    private static synchronized void routeJavaUtilLoggingToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** The port of /healthz, /readyz and /metrics, if served. */
    public OptionalInt httpPort() {
        return http == null ? OptionalInt.empty() : OptionalInt.of(http.port());
    }

    /** The metrics, in Prometheus text format (what /metrics serves). */
    public String scrapeMetrics() {
        return registry.scrape();
    }

    /** How many migrations this operator runs now (a standby without the leader Lease runs none). */
    public int activeMigrations() {
        return runs.activeCount();
    }

    @Override
    public void close() {
        // hand the migrations over while still holding the Lease, so that no other replica starts
        // them before they have stopped here
        runs.close();
        operator.stop();
        if (http != null) {
            http.close();
        }
        registry.close();
    }
}
