package dev.umbra.operator.status;

import dev.umbra.operator.model.SchemaMigration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link StatusRecorder} per SchemaMigration (by uid), created on first sight. */
public final class StatusRecorders {

    private final KubernetesClient client;
    private final Duration interval;
    private final Map<String, StatusRecorder> byUid = new ConcurrentHashMap<>();

    public StatusRecorders(KubernetesClient client, Duration interval) {
        this.client = client;
        this.interval = interval;
    }

    /** The resource's recorder, which now knows the resource's current generation. */
    public StatusRecorder forResource(SchemaMigration resource) {
        StatusRecorder recorder = byUid.computeIfAbsent(resource.getMetadata().getUid(),
                uid -> new StatusRecorder(client, resource, interval, Clock.systemUTC()));
        recorder.observe(resource);
        return recorder;
    }

    public void forget(SchemaMigration resource) {
        byUid.remove(resource.getMetadata().getUid());
    }
}
