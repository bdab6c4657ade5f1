package dev.umbra.operator.kubectl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The SchemaMigrations and Events the commands read, and the one kind of write they make. */
final class Migrations {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;

    Migrations(KubernetesClient client) {
        this.client = client;
    }

    KubernetesClient client() {
        return client;
    }

    List<SchemaMigration> list(String namespace) {
        return client.resources(SchemaMigration.class).inNamespace(namespace).list().getItems();
    }

    List<SchemaMigration> listAllNamespaces() {
        return client.resources(SchemaMigration.class).inAnyNamespace().list().getItems();
    }

    SchemaMigration get(String namespace, String name) {
        SchemaMigration migration = client.resources(SchemaMigration.class).inNamespace(namespace).withName(name).get();
        if (migration == null) {
            throw notFound(namespace, name);
        }
        return migration;
    }

    /**
     * Sets one annotation, or removes it when {@code value} is null, by a JSON merge patch of
     * metadata.annotations alone: no resourceVersion, so it never conflicts with the operator's
     * status writes, and it leaves every other annotation and the spec as they are.
     */
    void annotate(String namespace, String name, String annotation, String value) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode annotations = patch.putObject("metadata").putObject("annotations");
        if (value == null) {
            annotations.putNull(annotation); // how a merge patch removes a key
        } else {
            annotations.put(annotation, value);
        }
        try {
            client.resources(SchemaMigration.class).inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw notFound(namespace, name); // deleted since it was read
            }
            throw e;
        }
    }

    /** The Events about this resource (not an earlier one of the same name), in no order. */
    List<Event> eventsOf(SchemaMigration migration) {
        // Filtered here, not by a field selector: every API server and the tests' mock agree on this.
        String uid = migration.getMetadata().getUid();
        return client.v1().events().inNamespace(migration.getMetadata().getNamespace()).list().getItems().stream()
                .filter(event -> event.getInvolvedObject() != null)
                .filter(event -> migration.getKind().equals(event.getInvolvedObject().getKind()))
                .filter(event -> migration.getMetadata().getName().equals(event.getInvolvedObject().getName()))
                .filter(event -> uid == null || event.getInvolvedObject().getUid() == null
                        || uid.equals(event.getInvolvedObject().getUid()))
                .toList();
    }

    static Map<String, String> annotationsOf(SchemaMigration migration) {
        return Objects.requireNonNullElse(migration.getMetadata().getAnnotations(), Collections.emptyMap());
    }

    static MigrationPhase phaseOf(SchemaMigration migration) {
        return migration.getStatus() == null ? null : migration.getStatus().getPhase();
    }

    /** Done, Failed and Aborted never run again, so an annotation would only look like it did something. */
    static void refuseIfFinal(SchemaMigration migration, String what) {
        MigrationPhase phase = phaseOf(migration);
        if (phase != null && phase.isFinal()) {
            throw new CommandFailure("SchemaMigration " + qualifiedName(migration) + " is " + phase
                    + ", which is final: nothing to " + what + ".");
        }
    }

    static String qualifiedName(SchemaMigration migration) {
        return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
    }

    private static CommandFailure notFound(String namespace, String name) {
        return new CommandFailure("SchemaMigration " + namespace + "/" + name + " not found");
    }
}
