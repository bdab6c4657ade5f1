package dev.umbra.operator.status;

import dev.umbra.operator.model.SchemaMigration;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on a SchemaMigration ({@code kubectl describe sm ...}): phase changes,
 * approvals, pause and resume, aborts, throttling and failures. Messages never carry credentials:
 * they come from the engine and the operator, which never put a password in one.
 *
 * <p>Repeats are aggregated as client-go's recorder does: an Event of the same resource, type and
 * reason within {@link #AGGREGATION_WINDOW} of the last one updates that Event (count, last time,
 * latest message) instead of adding another, so a throttle that flaps for hours leaves two Events
 * ({@code Throttled} and {@code ThrottleReleased}, each with its count), not thousands.
 */
public final class Events {

    public static final String COMPONENT = "umbra-operator";
    /** client-go's default: similar Events within ten minutes are one. */
    public static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(Events.class);
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Recorded> recent = new ConcurrentHashMap<>();

    /** The Event last written for a resource, type and reason. */
    private record Recorded(String name, int count, Instant last) {
    }

    public Events(KubernetesClient client) {
        this(client, Clock.systemUTC());
    }

    public Events(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void normal(SchemaMigration resource, String reason, String message) {
        publish(resource, "Normal", reason, message);
    }

    public void warning(SchemaMigration resource, String reason, String message) {
        publish(resource, "Warning", reason, message);
    }

    private void publish(SchemaMigration resource, String type, String reason, String message) {
        String namespace = resource.getMetadata().getNamespace();
        String text = message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
        Instant now = clock.instant();
        String key = resource.getMetadata().getUid() + "/" + namespace + "/" + resource.getMetadata().getName() + "/" + type
                + "/" + reason;
        try {
            Recorded previous = recent.get(key);
            if (previous != null && previous.last().plus(AGGREGATION_WINDOW).isAfter(now) && increment(namespace, previous, text, now)) {
                recent.put(key, new Recorded(previous.name(), previous.count() + 1, now));
            } else {
                String name = resource.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", "");
                client.v1().events().inNamespace(namespace).resource(newEvent(resource, name, type, reason, text, now)).create();
                recent.put(key, new Recorded(name, 1, now));
            }
        } catch (KubernetesClientException e) {
            log.warn("Could not record the event {} on SchemaMigration {}/{}: {}", reason, namespace,
                    resource.getMetadata().getName(), e.getMessage());
        }
        log.info("SchemaMigration {}/{}: {} {}: {}", namespace, resource.getMetadata().getName(), type, reason, message);
    }

    /** Counts one more occurrence on the Event written before; false if it is gone (Events expire). */
    private boolean increment(String namespace, Recorded previous, String message, Instant now) {
        try {
            // A merge patch, as client-go's recorder sends: no read first, and RBAC needs only patch.
            String patch = SERIALIZATION.asJson(Map.of("count", previous.count() + 1, "lastTimestamp", now.toString(),
                    "message", message));
            client.v1().events().inNamespace(namespace).withName(previous.name())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static Event newEvent(SchemaMigration resource, String name, String type, String reason, String message, Instant now) {
        String namespace = resource.getMetadata().getNamespace();
        return new EventBuilder()
                .withNewMetadata()
                    .withName(name)
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
                .withMessage(message)
                .withFirstTimestamp(now.toString())
                .withLastTimestamp(now.toString())
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .build();
    }
}
