package dev.umbra.playground;

import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.testkit.kubernetes.InProcessKubernetes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Kubernetes API the playground uses: in-process (the default), or a real cluster from a kubeconfig. */
final class PlaygroundCluster implements AutoCloseable {

    private final InProcessKubernetes inProcess;
    private final KubernetesClient client;
    private final String description;

    private PlaygroundCluster(InProcessKubernetes inProcess, KubernetesClient client, String description) {
        this.inProcess = inProcess;
        this.client = client;
        this.description = description;
    }

    static PlaygroundCluster inProcess() {
        InProcessKubernetes kubernetes = InProcessKubernetes.start(SchemaMigrationCrd.definition());
        return new PlaygroundCluster(kubernetes, kubernetes.client(), "in-process Kubernetes API (Fabric8 mock server, CRUD mode) at "
                + kubernetes.client().getMasterUrl());
    }

    /** A real cluster: the CRD is installed (or updated) there. */
    static PlaygroundCluster fromKubeconfig(Path kubeconfig) throws IOException {
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        client.apiextensions().v1().customResourceDefinitions().resource(SchemaMigrationCrd.definition()).forceConflicts().serverSideApply();
        return new PlaygroundCluster(null, client, "the cluster at " + client.getMasterUrl() + " (" + kubeconfig + ")");
    }

    KubernetesClient client() {
        return client;
    }

    String description() {
        return description;
    }

    void ensureNamespace(String namespace) {
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
    }

    @Override
    public void close() {
        if (inProcess != null) {
            inProcess.close();
        } else {
            client.close();
        }
    }
}
