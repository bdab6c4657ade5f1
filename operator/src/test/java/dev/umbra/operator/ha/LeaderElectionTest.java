package dev.umbra.operator.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.ServingSettings;
import dev.umbra.operator.UmbraOperatorRuntime;
import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationCrd;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas against one API: only the holder of the Lease runs migrations; when it
 * stops, it hands its migration over (the helper tables stay) and the other replica takes the Lease
 * and carries the migration to Done.
 */
class LeaderElectionTest {

    private static final String LEASE_NAMESPACE = "umbra-system";
    private static final String LEASE = "umbra-operator-lease";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private KubernetesMockServer server;
    private KubernetesClient admin;
    private TestDatabase db;

    @BeforeEach
    void startApi() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init();
        // the mock API stores what it is sent and computes nothing: answer the operator's check that
        // it may use Leases as an API server would for the chart's Role
        SelfSubjectRulesReview mayUseLeases = new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
                .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withVerbs("get", "create", "update", "patch").build())
                .endStatus().build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").andReturn(201, mayUseLeases).always();
        admin = server.createClient();
        admin.apiextensions().v1().customResourceDefinitions().resource(SchemaMigrationCrd.definition()).create();
        // leader election is the same whatever the database: one flavor is enough
        db = new TestDatabase(Flavor.selected().get(0));
    }

    @AfterEach
    void stopApi() {
        admin.close();
        server.destroy();
        db.close();
    }

    @Test
    void onlyTheLeaderRunsMigrationsAndTheOtherReplicaTakesOverWhenItStops() throws Exception {
        SampleTable.create(db::connect, "items", 500);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        admin.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName(OperatorHarness.SECRET).endMetadata()
                .withStringData(Map.of("username", db.user(), "password", db.password())).build()).create();

        KubernetesClient clientA = server.createClient();
        KubernetesClient clientB = server.createClient();
        UmbraOperatorRuntime replicaA = replica(clientA, "replica-a");
        await(() -> "replica-a".equals(holder()), "replica-a to hold the Lease");
        UmbraOperatorRuntime replicaB = replica(clientB, "replica-b");
        try {
            SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
            SchemaMigration migration = new SchemaMigration();
            migration.getMetadata().setName("ha");
            migration.getMetadata().setNamespace("shop");
            migration.setSpec(spec);
            admin.resource(migration).create();
            await(() -> phase() == MigrationPhase.AWAITING_CUT_OVER, "phase AwaitingCutOver");
            assertThat(replicaA.activeMigrations()).isEqualTo(1);
            assertThat(replicaB.activeMigrations()).as("the standby runs nothing").isZero();
            assertThat(replicaB.isReady()).as("a standby is ready, or a rolling update could never finish").isTrue();
            assertThat(holder()).isEqualTo("replica-a");

            replicaA.close(); // as on SIGTERM: the migration is handed over, then the Lease is no longer renewed
            assertThat(Tables.names(db)).as("a hand-over keeps the helper tables for the next leader")
                    .contains("_items_gho", "_items_ghc");

            await(() -> "replica-b".equals(holder()), "replica-b to take the Lease over");
            await(() -> replicaB.activeMigrations() == 1, "replica-b to run the migration");
            admin.resources(SchemaMigration.class).inNamespace("shop").withName("ha").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"annotations\":{\"" + Annotations.APPROVE_CUT_OVER + "\":\"true\"}}}");
            await(() -> phase() == MigrationPhase.DONE, "phase Done under replica-b");
            assertThat(Tables.createStatement(db, "items")).contains("`status`");
            assertThat(Tables.names(db)).containsExactlyInAnyOrder("_items_del", "items", "items_mirror");
        } finally {
            replicaB.close();
            replicaA.close();
            clientA.close();
            clientB.close();
        }
    }

    private static UmbraOperatorRuntime replica(KubernetesClient client, String identity) {
        // short timings for a quick take-over; the lease outlives the leader's close by seconds, long
        // enough to look at the helper tables before the other replica can act
        LeaderElectionSettings election = LeaderElectionSettings.of(LEASE, LEASE_NAMESPACE, identity)
                .withTimings(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofMillis(500))
                .withExitOnLoss(false); // a test must not exit the JVM
        return UmbraOperatorRuntime.start(client, OperatorHarness.settings(), ServingSettings.none().withLeaderElection(election));
    }

    private String holder() {
        Lease lease = admin.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private MigrationPhase phase() {
        SchemaMigration migration = admin.resources(SchemaMigration.class).inNamespace("shop").withName("ha").get();
        return migration == null || migration.getStatus() == null ? null : migration.getStatus().getPhase();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + TIMEOUT.toSeconds() + " s");
            }
            OperatorHarness.sleep(50);
        }
    }
}
