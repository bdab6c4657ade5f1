package dev.umbra.playground;

import dev.umbra.operator.model.CaSource;
import dev.umbra.operator.model.DatabaseTlsSpec;
import dev.umbra.testkit.TestCertificates;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The example's {@code spec.database.tls} made real for the embedded server: the server runs with a
 * certificate for its address, signed by a CA made for this run, and the Secrets and ConfigMaps the
 * example names hold that CA and a client certificate, as cert-manager's would in a cluster.
 */
final class PlaygroundTls {

    private PlaygroundTls() {
    }

    /** Creates what {@code tls} names; returns what it created, for the playground's output. */
    static List<String> provide(KubernetesClient client, String namespace, DatabaseTlsSpec tls, TestCertificates certificates) {
        List<String> created = new ArrayList<>();
        if (tls == null) {
            return created;
        }
        String ca = TestCertificates.read(certificates.caCertificate());
        CaSource source = tls.getCa();
        if (source != null && source.getSecretKeyRef() != null) {
            secret(client, namespace, source.getSecretKeyRef().getName(), null, Map.of(source.getSecretKeyRef().getKey(), ca));
            created.add("Secret " + source.getSecretKeyRef().getName() + " (the CA)");
        }
        if (source != null && source.getConfigMapKeyRef() != null) {
            client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName(source.getConfigMapKeyRef().getName()).withNamespace(namespace).endMetadata()
                    .withData(Map.of(source.getConfigMapKeyRef().getKey(), ca)).build()).createOr(NonDeletingOperation::update);
            created.add("ConfigMap " + source.getConfigMapKeyRef().getName() + " (the CA)");
        }
        if (tls.getClientCertificateSecretRef() != null) {
            secret(client, namespace, tls.getClientCertificateSecretRef().getName(), "kubernetes.io/tls", Map.of(
                    "tls.crt", TestCertificates.read(certificates.clientCertificate()),
                    "tls.key", TestCertificates.read(certificates.clientKey())));
            created.add("Secret " + tls.getClientCertificateSecretRef().getName() + " (a client certificate)");
        }
        return created;
    }

    private static void secret(KubernetesClient client, String namespace, String name, String type, Map<String, String> data) {
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withType(type).withStringData(data).build())
                .createOr(NonDeletingOperation::update);
    }
}
