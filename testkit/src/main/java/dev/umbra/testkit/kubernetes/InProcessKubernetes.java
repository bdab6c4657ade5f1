package dev.umbra.testkit.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * A Kubernetes API in this process: Fabric8's mock server in CRUD mode (it stores what it is sent
 * and serves it back, with watches), with the given CRDs installed. It does not evaluate OpenAPI
 * validation, defaults or CEL rules, and runs no controllers of its own.
 *
 * <p>Kept in the testkit so that the operator's tests and the playground share one; the Fabric8 mock
 * server is an optional dependency here, which whoever uses this class declares itself.
 */
public final class InProcessKubernetes implements AutoCloseable {

    /** The mock server logs every request through java.util.logging; held here so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private InProcessKubernetes(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
    }

    public static InProcessKubernetes start(CustomResourceDefinition... definitions) {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        KubernetesClient client = server.createClient();
        for (CustomResourceDefinition definition : definitions) {
            client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
        }
        return new InProcessKubernetes(server, client);
    }

    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
