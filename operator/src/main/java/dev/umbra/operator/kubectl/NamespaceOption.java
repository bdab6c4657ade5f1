package dev.umbra.operator.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;

/** {@code -n/--namespace}, shared by every command. */
final class NamespaceOption {

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "The namespace (default: the kubeconfig context's namespace).")
    private String namespace;

    /** The namespace given, else the context's, else "default" (as kubectl does). */
    String resolve(KubernetesClient client) {
        if (namespace != null && !namespace.isBlank()) {
            return namespace;
        }
        return client.getNamespace() != null ? client.getNamespace() : "default";
    }
}
