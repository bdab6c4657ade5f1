package dev.umbra.operator;

import dev.umbra.engine.alter.AlterParser;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's main program. It talks to the cluster of the current kubeconfig context
 * ({@code KUBECONFIG} or {@code ~/.kube/config}), or in a Pod to its own cluster (service account),
 * and watches the namespaces in {@code UMBRA_NAMESPACES} (comma list; all when unset). It serves
 * /healthz, /readyz and /metrics on {@code UMBRA_HTTP_PORT} (8080), and with
 * {@code UMBRA_LEADER_ELECTION=true} runs migrations only while it holds the leader Lease. Logging:
 * {@code UMBRA_LOG_LEVEL} (INFO) and {@code UMBRA_LOG_FORMAT} (text or json), read by logback.xml.
 *
 * <pre>
 * java -jar umbra-operator.jar [--kubeconfig FILE] [--namespaces a,b] [--max-concurrent-migrations N] [--http-port N]
 * [--diagnostics-include-statements]
 * </pre>
 */
public final class UmbraOperator {

    private static final Logger log = LoggerFactory.getLogger(UmbraOperator.class);

    private UmbraOperator() {
    }

    public static void main(String[] args) throws Exception {
        AlterParser.warmUpInBackground(); // a resource's first inspection then does not pay for it
        OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
        ServingSettings serving = ServingSettings.fromEnvironment(System.getenv());
        String kubeconfig = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (flag) {
                case "--kubeconfig" -> kubeconfig = require(flag, value);
                case "--namespaces" -> settings = settings.withNamespaces(OperatorSettings.parseNamespaces(require(flag, value)));
                case "--max-concurrent-migrations" -> settings = settings.withMaxConcurrentMigrations(Integer.parseInt(require(flag, value)));
                case "--http-port" -> serving = serving.withHttpPort(Integer.parseInt(require(flag, value)));
                case "--diagnostics-include-statements" -> {
                    settings = settings.withDiagnosticsIncludeStatements(true);
                    continue;
                }
                case "-h", "--help" -> {
                    System.out.println("Usage: UmbraOperator [--kubeconfig FILE] [--namespaces a,b] [--max-concurrent-migrations N]"
                            + " [--http-port N] [--diagnostics-include-statements]");
                    return;
                }
                default -> throw new IllegalArgumentException("Unknown option " + flag + "; see --help");
            }
            i++;
        }
        KubernetesClient client = kubeconfig == null ? new KubernetesClientBuilder().build()
                : new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)))).build();
        log.info("Umbra operator: API server {}, namespaces {}, at most {} migrations at once, {}", client.getMasterUrl(),
                settings.namespaces().isEmpty() ? "(all)" : settings.namespaces(), settings.maxConcurrentMigrations(),
                serving.leaderElection().map(election -> "leader election by Lease " + election.leaseNamespace() + "/"
                        + election.leaseName() + " as " + election.identity()).orElse("no leader election"));
        UmbraOperatorRuntime runtime = UmbraOperatorRuntime.start(client, settings, serving);
        runtime.httpPort().ifPresent(port -> log.info("/healthz, /readyz and /metrics on port {}", port));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            client.close();
            stopped.countDown();
        }, "umbra-operator-shutdown"));
        stopped.await();
    }

    private static String require(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }
}
