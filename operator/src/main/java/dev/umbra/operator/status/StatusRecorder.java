package dev.umbra.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of one SchemaMigration's status. It keeps the status the operator wants in memory
 * (the truth inside this process), and writes it to the API server at most once per interval, at
 * once when asked (phase changes, control acknowledgements), and never when nothing changed since
 * the last write.
 */
public final class StatusRecorder {

    private static final Logger log = LoggerFactory.getLogger(StatusRecorder.class);
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final int ATTEMPTS = 5;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final Duration interval;
    private final Clock clock;
    private final SchemaMigrationStatus desired;
    private JsonNode lastWritten;
    private Instant lastWriteAt = Instant.EPOCH;
    private long generation;
    private boolean closed;

    StatusRecorder(KubernetesClient client, SchemaMigration resource, Duration interval, Clock clock) {
        this.client = client;
        this.namespace = resource.getMetadata().getNamespace();
        this.name = resource.getMetadata().getName();
        this.interval = interval;
        this.clock = clock;
        SchemaMigrationStatus existing = resource.getStatus();
        this.desired = existing == null ? new SchemaMigrationStatus() : copy(existing);
        this.lastWritten = existing == null ? null : SERIALIZATION.convertValue(existing, JsonNode.class);
        observe(resource);
    }

    /** Notes the resource's generation, which the next write reports as observedGeneration. */
    public synchronized void observe(SchemaMigration resource) {
        Long current = resource.getMetadata().getGeneration();
        generation = current == null ? 0 : current;
    }

    /** The phase the operator last decided on (null before the first), whether or not written yet. */
    public synchronized MigrationPhase phase() {
        return desired.getPhase();
    }

    /** A copy of the status the operator wants. */
    public synchronized SchemaMigrationStatus current() {
        return copy(desired);
    }

    /**
     * Changes the wanted status and writes it if {@code immediately}, or if the last write is at
     * least an interval ago; otherwise the change goes out with a later one.
     */
    public synchronized void update(Consumer<SchemaMigrationStatus> change, boolean immediately) {
        desired.setObservedGeneration(generation);
        change.accept(desired);
        if (immediately || !clock.instant().isBefore(lastWriteAt.plus(interval))) {
            write();
        }
    }

    /** Changes the wanted status without writing it: a later update or {@link #flush} does. */
    public synchronized void stage(Consumer<SchemaMigrationStatus> change) {
        desired.setObservedGeneration(generation);
        change.accept(desired);
    }

    /** Writes whatever is not written yet. */
    public synchronized void flush() {
        write();
    }

    /** Stops all writes (the operator is shutting down: the status must stay as it is). */
    public synchronized void close() {
        closed = true;
    }

    private void write() {
        if (closed) {
            return;
        }
        Lifecycle.derive(desired);
        JsonNode next = SERIALIZATION.convertValue(desired, JsonNode.class);
        if (next.equals(lastWritten)) {
            return;
        }
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                SchemaMigration current = client.resources(SchemaMigration.class).inNamespace(namespace).withName(name).get();
                if (current == null) {
                    log.debug("SchemaMigration {}/{} is gone; its status is not written", namespace, name);
                    return;
                }
                // a PUT of the status subresource with the resourceVersion just read: a concurrent
                // change makes it fail with 409, and the next attempt reads again
                current.setStatus(copy(desired));
                client.resource(current).updateStatus();
                lastWritten = next;
                lastWriteAt = clock.instant();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    log.debug("SchemaMigration {}/{} is gone; its status is not written", namespace, name);
                    return;
                }
                if (e.getCode() != 409) {
                    log.warn("Could not write the status of SchemaMigration {}/{} (attempt {} of {}): {}", namespace, name,
                            attempt, ATTEMPTS, e.getMessage());
                    sleepQuietly(200L * attempt);
                }
            }
        }
    }

    private static SchemaMigrationStatus copy(SchemaMigrationStatus status) {
        return SERIALIZATION.clone(status);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
