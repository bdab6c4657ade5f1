package dev.umbra.operator;

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
 * and watches the namespaces in {@code UMBRA_NAMESPACES} (comma list; all when unset).
 *
 * <pre>
 * java -cp ... dev.umbra.operator.UmbraOperator [--kubeconfig FILE] [--namespaces a,b] [--max-concurrent-migrations N]
 * </pre>
 */
public final class UmbraOperator {

    private static final Logger log = LoggerFactory.getLogger(UmbraOperator.class);

    private UmbraOperator() {
    }

    public static void main(String[] args) throws Exception {
        OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
        String kubeconfig = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (flag) {
                case "--kubeconfig" -> kubeconfig = require(flag, value);
                case "--namespaces" -> settings = settings.withNamespaces(OperatorSettings.parseNamespaces(require(flag, value)));
                case "--max-concurrent-migrations" -> settings = settings.withMaxConcurrentMigrations(Integer.parseInt(require(flag, value)));
                case "-h", "--help" -> {
                    System.out.println("Usage: UmbraOperator [--kubeconfig FILE] [--namespaces a,b] [--max-concurrent-migrations N]");
                    return;
                }
                default -> throw new IllegalArgumentException("Unknown option " + flag + "; see --help");
            }
            i++;
        }
        KubernetesClient client = kubeconfig == null ? new KubernetesClientBuilder().build()
                : new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)))).build();
        log.info("Umbra operator: API server {}, namespaces {}, at most {} migrations at once", client.getMasterUrl(),
                settings.namespaces().isEmpty() ? "(all)" : settings.namespaces(), settings.maxConcurrentMigrations());
        UmbraOperatorRuntime runtime = UmbraOperatorRuntime.start(client, settings);
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
