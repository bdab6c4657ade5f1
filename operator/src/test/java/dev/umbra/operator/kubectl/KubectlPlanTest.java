package dev.umbra.operator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.operator.testing.MovableClock;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.kubernetes.InProcessKubernetes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl umbra plan -f manifest.yaml}: the operator's first checks and the plan, against a
 * real server, before the resource exists; nothing is created on the server or in the cluster.
 */
class KubectlPlanTest {

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static InProcessKubernetes kubernetes;
    private static KubernetesClient client;

    @TempDir
    Path folder;

    @BeforeAll
    static void start() {
        kubernetes = InProcessKubernetes.start(SchemaMigrationCrd.definition());
        client = kubernetes.client();
    }

    @AfterAll
    static void stop() {
        kubernetes.close();
    }

    @EveryFlavor
    void aManifestIsInspectedAndItsPlanShownWithoutCreatingAnything(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL)",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b')");
        String namespace = namespaceWithLogin(db);
        Path manifest = manifest(namespace, "items-add-status", db, "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");

        Run run = kubectlUmbra("plan", "-f", manifest.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Plan for SchemaMigration " + namespace + "/items-add-status: inspection passed")
                .contains("ADD COLUMN status TINYINT NOT NULL DEFAULT 1").contains("`_items_gho`")
                .contains("Migration key:").contains("PRIMARY KEY (id)").contains("Estimated rows:")
                .doesNotContain(db.password());
        assertThat(Tables.names(db)).containsExactly("items");
        assertThat(client.resources(SchemaMigration.class).inNamespace(namespace).list().getItems()).isEmpty();
    }

    @EveryFlavor
    void anAlterTheServerWouldRefuseIsRefusedWithItsReason(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
        String namespace = namespaceWithLogin(db);
        Path manifest = manifest(namespace, "items-drop", db, "DROP COLUMN no_such_column");

        Run run = kubectlUmbra("plan", "-f", manifest.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("Refused: ").contains("no_such_column");
        assertThat(Tables.names(db)).containsExactly("items");
    }

    @EveryFlavor
    void aMissingLoginSecretIsNamed(TestDatabase db) throws Exception {
        String namespace = "plan-" + NEXT.incrementAndGet();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        Path manifest = manifest(namespace, "items-add-status", db, "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");

        Run run = kubectlUmbra("plan", "-f", manifest.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("Invalid (").contains(namespace + "/" + OperatorHarness.SECRET);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run kubectlUmbra(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = KubectlUmbra.run(client, new MovableClock(), new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static String namespaceWithLogin(TestDatabase db) {
        String namespace = "plan-" + NEXT.incrementAndGet();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(OperatorHarness.SECRET)
                .endMetadata().withStringData(Map.of("username", db.user(), "password", db.password())).build()).create();
        return namespace;
    }

    /** The manifest a user would apply, as YAML in a file. */
    private Path manifest(String namespace, String name, TestDatabase db, String alter) throws Exception {
        SchemaMigration migration = new SchemaMigration();
        migration.getMetadata().setName(name);
        migration.getMetadata().setNamespace(namespace);
        migration.setSpec(OperatorHarness.spec(db, "items", alter));
        Path file = folder.resolve(name + ".yaml");
        Files.writeString(file, client.getKubernetesSerialization().asYaml(migration));
        return file;
    }
}
