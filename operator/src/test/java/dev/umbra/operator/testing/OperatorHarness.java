package dev.umbra.operator.testing;

import dev.umbra.operator.OperatorSettings;
import dev.umbra.operator.ServingSettings;
import dev.umbra.operator.UmbraOperatorRuntime;
import dev.umbra.operator.model.CutOverSpec;
import dev.umbra.operator.model.DatabaseSpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.model.SecretReference;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.testkit.kubernetes.InProcessKubernetes;
import dev.umbra.testkit.TestDatabase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator running against an in-process Kubernetes API (Fabric8's mock server, CRUD mode), and
 * the calls tests make on it: namespaces, Secrets, SchemaMigrations, annotations, waiting.
 *
 * <p>As a JUnit extension ({@link #perTestClass()}, registered with {@code @RegisterExtension} on a
 * static field) it starts before a class's first test, aborts after each test whatever migration
 * the test left unfinished (so that it frees its runner slot and table), and stops after the last.
 */
public final class OperatorHarness implements AutoCloseable, BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    public static final String SECRET = "db-login";
    private static final AtomicInteger NEXT = new AtomicInteger();

    private InProcessKubernetes kubernetes;
    private final ServingSettings serving;
    private UmbraOperatorRuntime runtime;

    /** @param serving how the operator in this JVM serves; null when it runs elsewhere */
    private OperatorHarness(ServingSettings serving) {
        this.serving = serving;
    }

    /** Started by JUnit for each test class that registers it; see the class comment. */
    public static OperatorHarness perTestClass() {
        return perTestClass(ServingSettings.none());
    }

    /** As {@link #perTestClass()}, with an HTTP port (probes and metrics) or leader election. */
    public static OperatorHarness perTestClass(ServingSettings serving) {
        return new OperatorHarness(serving);
    }

    /** The Kubernetes API alone, per test class: the operator runs elsewhere (see {@link OperatorInChildJvm}). */
    public static OperatorHarness apiOnlyPerTestClass() {
        return new OperatorHarness(null);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kubernetes = InProcessKubernetes.start(SchemaMigrationCrd.definition());
        if (serving != null) {
            runtime = UmbraOperatorRuntime.start(kubernetes.client(), settings(), serving);
        }
    }

    /** Only for an operator in this JVM: one elsewhere ends with its test. */
    @Override
    public void afterEach(ExtensionContext context) {
        if (runtime != null) {
            abortUnfinished();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public static OperatorSettings settings() {
        return OperatorSettings.defaults().withRecheckInterval(Duration.ofMillis(500));
    }

    public UmbraOperatorRuntime runtime() {
        return runtime;
    }

    /** Stops the operator (as a rolling update would) and starts a new one against the same API. */
    public void restartOperator() {
        runtime.close();
        runtime = UmbraOperatorRuntime.start(client(), settings(), serving);
    }

    public KubernetesClient client() {
        return kubernetes.client();
    }

    /** A new namespace with the login Secret for {@code db}. */
    public String namespaceFor(TestDatabase db) {
        String namespace = "test-" + NEXT.incrementAndGet();
        client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        secret(namespace, SECRET, Map.of("username", db.user(), "password", db.password()));
        return namespace;
    }

    public void secret(String namespace, String name, Map<String, String> data) {
        client().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withStringData(data).build()).createOr(NonDeletingOperation::update);
    }

    public static SchemaMigrationSpec spec(TestDatabase db, String table, String alter) {
        DatabaseSpec database = new DatabaseSpec();
        database.setHost(db.host());
        database.setPort(db.port());
        database.setSchema(db.schema());
        database.setCredentialsSecretRef(new SecretReference(SECRET));
        SchemaMigrationSpec spec = new SchemaMigrationSpec();
        spec.setDatabase(database);
        spec.setTable(table);
        spec.setAlter(alter);
        spec.setCutOver(new CutOverSpec());
        // Most tests watch the online copy (phases, checkpoints, progress) of ALTERs a server could do
        // instantly; InstantAlterTest covers the default.
        spec.setInstantDdl(false);
        return spec;
    }

    public SchemaMigration apply(String namespace, String name, SchemaMigrationSpec spec, Map<String, String> annotations) {
        SchemaMigration migration = new SchemaMigration();
        migration.getMetadata().setName(name);
        migration.getMetadata().setNamespace(namespace);
        migration.getMetadata().setAnnotations(annotations);
        migration.setSpec(spec);
        return client().resource(migration).create();
    }

    public Resource<SchemaMigration> migration(String namespace, String name) {
        return client().resources(SchemaMigration.class).inNamespace(namespace).withName(name);
    }

    public SchemaMigrationStatus status(String namespace, String name) {
        SchemaMigration migration = migration(namespace, name).get();
        return migration == null || migration.getStatus() == null ? new SchemaMigrationStatus() : migration.getStatus();
    }

    /** Sets an annotation with a merge patch, as {@code kubectl annotate} does (no resourceVersion: no conflict). */
    public void annotate(String namespace, String name, String annotation, String value) {
        migration(namespace, name).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + annotation + "\":\"" + value + "\"}}}");
    }

    public void removeAnnotation(String namespace, String name, String annotation) {
        migration(namespace, name).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + annotation + "\":null}}}");
    }

    public SchemaMigrationStatus awaitPhase(String namespace, String name, MigrationPhase phase, Duration timeout) {
        return awaitStatus(namespace, name, status -> status.getPhase() == phase, "phase " + phase, timeout);
    }

    public SchemaMigrationStatus awaitStatus(String namespace, String name, Predicate<SchemaMigrationStatus> condition,
                                             String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SchemaMigrationStatus status = status(namespace, name);
        while (!condition.test(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("SchemaMigration " + namespace + "/" + name + " did not reach " + what + " within "
                        + timeout.toSeconds() + " s; it is " + status.getPhase() + ": " + status.getMessage());
            }
            sleep(50);
            status = status(namespace, name);
        }
        return status;
    }

    public void awaitGone(String namespace, String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (migration(namespace, name).get() != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("SchemaMigration " + namespace + "/" + name + " still exists after " + timeout.toSeconds()
                        + " s; finalizers " + migration(namespace, name).get().getMetadata().getFinalizers());
            }
            sleep(50);
        }
    }

    /**
     * Aborts every migration that has not ended (one a failed test left behind), so that it frees
     * its runner slot and table for the next test; and closes every open revert window, whose run
     * goes on while the migration is Done.
     */
    public void abortUnfinished() {
        for (SchemaMigration migration : client().resources(SchemaMigration.class).inAnyNamespace().list().getItems()) {
            SchemaMigrationStatus status = migration.getStatus();
            boolean windowOpen = status != null && status.getRevert() != null && Boolean.TRUE.equals(status.getRevert().getReversible());
            if (status == null || status.getPhase() == null || !status.getPhase().isFinal() || windowOpen) {
                annotate(migration.getMetadata().getNamespace(), migration.getMetadata().getName(),
                        dev.umbra.operator.model.Annotations.ABORT, "true");
            }
        }
    }

    /** The Events on the migration, oldest first, as "reason: message". */
    public List<String> events(String namespace, String name) {
        return client().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(event -> name.equals(event.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp))
                .map(event -> event.getReason() + ": " + event.getMessage())
                .toList();
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
        if (kubernetes != null) {
            kubernetes.close();
            kubernetes = null;
        }
    }
}
