package dev.umbra.operator.status;

import dev.umbra.operator.model.SchemaMigration;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on a SchemaMigration ({@code kubectl describe sm ...}): phase changes,
 * approvals, pause and resume, aborts, throttling and failures. Messages never carry credentials:
 * they come from the engine and the operator, which never put a password in one.
 */
public final class Events {

    public static final String COMPONENT = "umbra-operator";
    private static final Logger log = LoggerFactory.getLogger(Events.class);

    private final KubernetesClient client;

    public Events(KubernetesClient client) {
        this.client = client;
    }

    public void normal(SchemaMigration resource, String reason, String message) {
        publish(resource, "Normal", reason, message);
    }

    public void warning(SchemaMigration resource, String reason, String message) {
        publish(resource, "Warning", reason, message);
    }

    private void publish(SchemaMigration resource, String type, String reason, String message) {
        String namespace = resource.getMetadata().getNamespace();
        String now = Instant.now().toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                    .withName(resource.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
                    .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(resource.getApiVersion())
                        .withKind(resource.getKind())
                        .withName(resource.getMetadata().getName())
                        .withNamespace(namespace)
                        .withUid(resource.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message.length() > 1000 ? message.substring(0, 1000) + "…" : message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            log.warn("Could not record the event {} on SchemaMigration {}/{}: {}", reason, namespace,
                    resource.getMetadata().getName(), e.getMessage());
        }
        log.info("SchemaMigration {}/{}: {} {}: {}", namespace, resource.getMetadata().getName(), type, reason, message);
    }
}
