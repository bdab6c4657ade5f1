package dev.umbra.operator.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.operator.OperatorSettings;
import dev.umbra.operator.UmbraOperatorRuntime;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.DatabaseSpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.model.SecretReference;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * End to end on a real API server (K3s in Docker): the CRD installs and its CEL rule rejects a spec
 * change, and a migration goes from apply through approval to Done. The operator runs in this JVM
 * and reaches the testkit's MariaDB on the loopback address.
 *
 * <p>Runs only with {@code -Pk3s} (it needs Docker): {@code mvn -B -ntp -pl operator -am verify -Pk3s}.
 */
@Tag("k3s")
@Testcontainers(disabledWithoutDocker = true)
class K3sEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Container
    private static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    @Test
    void applyApproveDoneOnARealApiServer() throws Exception {
        try (TestDatabase db = new TestDatabase(Flavor.MARIADB_11_4);
             KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
            client.apiextensions().v1().customResourceDefinitions().resource(SchemaMigrationCrd.definition()).create();
            client.apiextensions().v1().customResourceDefinitions().withName(SchemaMigration.CRD_NAME)
                    .waitUntilCondition(crd -> crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())), 60, TimeUnit.SECONDS);
            SampleTable.create(db::connect, "items", 5_000);
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
            client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("login").endMetadata()
                    .withStringData(Map.of("username", db.user(), "password", db.password())).build()).create();

            UmbraOperatorRuntime operator = UmbraOperatorRuntime.start(client, OperatorSettings.defaults().withNamespaces(Set.of("shop")));
            try {
                client.resource(migration(db)).create();
                Resource<SchemaMigration> resource = client.resources(SchemaMigration.class).inNamespace("shop").withName("items-add-status");
                resource.waitUntilCondition(m -> phase(m) == MigrationPhase.AWAITING_CUT_OVER, TIMEOUT.toSeconds(), TimeUnit.SECONDS);

                assertThatThrownBy(() -> resource.edit(m -> {
                    m.getSpec().setAlter("ADD COLUMN other INT");
                    return m;
                })).isInstanceOf(KubernetesClientException.class).hasMessageContaining("a changed migration is a new SchemaMigration");

                resource.patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\"" + Annotations.APPROVE_CUT_OVER + "\":\"true\"}}}");
                SchemaMigration done = resource.waitUntilCondition(m -> phase(m) != null && phase(m).isFinal(),
                        TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                SchemaMigrationStatus status = done.getStatus();
                assertThat(status.getPhase()).as(status.getMessage()).isEqualTo(MigrationPhase.DONE);
                assertThat(status.getProgress()).isEqualTo("100.0%");
                assertThat(done.getSpec().getCutOver().getApproval()).as("the API server filled the default").isNotNull();

                resource.delete();
                resource.waitUntilCondition(m -> m == null, 60, TimeUnit.SECONDS);
            } finally {
                operator.close();
            }
        }
    }

    private static SchemaMigration migration(TestDatabase db) {
        DatabaseSpec database = new DatabaseSpec();
        database.setHost(db.host());
        database.setPort(db.port());
        database.setSchema(db.schema());
        database.setCredentialsSecretRef(new SecretReference("login"));
        SchemaMigrationSpec spec = new SchemaMigrationSpec();
        spec.setDatabase(database);
        spec.setTable("items");
        spec.setAlter("ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        SchemaMigration migration = new SchemaMigration();
        migration.getMetadata().setName("items-add-status");
        migration.getMetadata().setNamespace("shop");
        migration.setSpec(spec);
        return migration;
    }

    private static MigrationPhase phase(SchemaMigration migration) {
        return migration == null || migration.getStatus() == null ? null : migration.getStatus().getPhase();
    }
}
