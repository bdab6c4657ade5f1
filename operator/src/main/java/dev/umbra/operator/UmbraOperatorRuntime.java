package dev.umbra.operator;

import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.reconcile.Credentials;
import dev.umbra.operator.reconcile.SchemaMigrationReconciler;
import dev.umbra.operator.runner.MigrationRuns;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.StatusRecorders;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The operator wired together and started against a Kubernetes API: the main program, the tests
 * and the playground all start it this way. Closing it stops watching and ends running migrations
 * without recording an end, so that the next operator starts them again.
 */
public final class UmbraOperatorRuntime implements AutoCloseable {

    private final Operator operator;
    private final MigrationRuns runs;

    private UmbraOperatorRuntime(Operator operator, MigrationRuns runs) {
        this.operator = operator;
        this.runs = runs;
    }

    public static UmbraOperatorRuntime start(KubernetesClient client, OperatorSettings settings) {
        routeJavaUtilLoggingToSlf4j();
        MigrationRuns runs = new MigrationRuns(settings.maxConcurrentMigrations());
        Events events = new Events(client);
        SchemaMigrationReconciler reconciler = new SchemaMigrationReconciler(runs,
                new StatusRecorders(client, settings.statusInterval()), new Credentials(client), events, settings.recheckInterval());
        Operator operator = new Operator(overrider -> overrider
                .withKubernetesClient(client)
                .withCloseClientOnStop(false)
                // the finalizer is added with an ordinary patch: the same on every API server
                // (Fabric8's mock server, used by the tests and the playground, has no server-side apply)
                .withUseSSAToPatchPrimaryResource(false)
                .checkingCRDAndValidateLocalModel(false));
        operator.<SchemaMigration>register(reconciler, configuration -> {
            if (settings.namespaces().isEmpty()) {
                configuration.watchingAllNamespaces();
            } else {
                configuration.settingNamespaces(settings.namespaces());
            }
        });
        operator.start();
        return new UmbraOperatorRuntime(operator, runs);
    }

    /** The binlog client logs through java.util.logging; this sends it where everything else goes. */
    private static synchronized void routeJavaUtilLoggingToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    @Override
    public void close() {
        operator.stop();
        runs.close();
    }
}
