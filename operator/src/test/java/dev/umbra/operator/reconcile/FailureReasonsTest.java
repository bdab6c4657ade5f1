package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.ReplicaEndpoint;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.model.SecretReference;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.KstatusRules;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * What cannot run ends in Failed with a specific reason and message, once (no retry loop), and no
 * secret value ever appears in the status or an Event.
 */
class FailureReasonsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final String WRONG_PASSWORD = "not-the-Pa55word-xyzzy";
    private static OperatorHarness harness;

    @BeforeAll
    static void startOperator() {
        harness = OperatorHarness.start();
    }

    @AfterEach
    void abortLeftovers() {
        harness.abortUnfinished();
    }

    @AfterAll
    static void stopOperator() {
        harness.close();
    }

    @EveryFlavor
    void missingSecretSecretWithoutPasswordAndWrongPasswordFailWithTheirReason(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        String namespace = harness.namespaceFor(db);

        SchemaMigrationSpec missing = OperatorHarness.spec(db, "items", ALTER);
        missing.getDatabase().setCredentialsSecretRef(new SecretReference("no-such-secret"));
        harness.apply(namespace, "missing-secret", missing, Map.of());
        SchemaMigrationStatus failed = harness.awaitPhase(namespace, "missing-secret", MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("SecretNotFound");
        assertThat(failed.getMessage()).contains("The Secret " + namespace + "/no-such-secret").contains("does not exist");

        harness.secret(namespace, "no-password", Map.of("username", db.user()));
        SchemaMigrationSpec noPassword = OperatorHarness.spec(db, "items", ALTER);
        noPassword.getDatabase().setCredentialsSecretRef(new SecretReference("no-password"));
        harness.apply(namespace, "no-password", noPassword, Map.of());
        failed = harness.awaitPhase(namespace, "no-password", MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("SecretInvalid");
        assertThat(failed.getMessage()).contains("has no key \"password\"");

        harness.secret(namespace, "wrong-password", Map.of("username", db.user(), "password", WRONG_PASSWORD));
        SchemaMigrationSpec wrong = OperatorHarness.spec(db, "items", ALTER);
        wrong.getDatabase().setCredentialsSecretRef(new SecretReference("wrong-password"));
        harness.apply(namespace, "wrong-password", wrong, Map.of());
        failed = harness.awaitPhase(namespace, "wrong-password", MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("CannotConnect");
        assertThat(failed.getMessage()).contains("cannot connect").contains("Access denied");

        for (String name : List.of("missing-secret", "no-password", "wrong-password")) {
            assertNoSecretIn(namespace, name, db);
            assertThat(harness.events(namespace, name)).filteredOn(e -> e.startsWith("Inspecting:")).hasSizeLessThanOrEqualTo(1);
        }
        OperatorHarness.sleep(1_500);
        assertThat(harness.status(namespace, "wrong-password").getPhase()).as("never retried").isEqualTo(MigrationPhase.FAILED);
        assertThat(harness.events(namespace, "wrong-password")).filteredOn(e -> e.startsWith("Inspecting:")).hasSize(1);
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
    }

    @EveryFlavor
    void unreachableHostFails(TestDatabase db) throws Exception {
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", ALTER);
        spec.getDatabase().setPort(1); // nothing listens on port 1
        harness.apply(namespace, "unreachable", spec, Map.of());
        SchemaMigrationStatus failed = harness.awaitPhase(namespace, "unreachable", MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("CannotConnect");
        assertThat(failed.getMessage()).contains("cannot connect to " + db.user() + "@" + db.host() + ":1");
        // Failed is final: generic tools (kstatus: Flux, kubectl wait) must see a failure, not work in progress.
        long generation = harness.migration(namespace, "unreachable").get().getMetadata().getGeneration();
        assertThat(KstatusRules.of(generation, failed)).as("%s", failed.getConditions()).isEqualTo("Failed");
        assertThat(condition(failed, Conditions.STALLED).getReason()).isEqualTo("CannotConnect");
        assertNoSecretIn(namespace, "unreachable", db);
    }

    @EveryFlavor
    void refusedAlterFailsWithTheRefusalAndChangesNothing(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        String before = Tables.createStatement(db, "items");
        String namespace = harness.namespaceFor(db);
        harness.apply(namespace, "rename", OperatorHarness.spec(db, "items", "RENAME TO items_renamed"), Map.of());
        SchemaMigrationStatus failed = harness.awaitPhase(namespace, "rename", MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("Refused");
        assertThat(failed.getMessage()).startsWith("Refused: ").containsIgnoringCase("rename");
        assertThat(harness.events(namespace, "rename")).anyMatch(e -> e.startsWith("Refused: Refused: "));

        harness.apply(namespace, "no-table", OperatorHarness.spec(db, "no_such_table", ALTER), Map.of());
        failed = harness.awaitPhase(namespace, "no-table", MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("Refused");
        assertThat(failed.getMessage()).contains("no_such_table");

        assertThat(Tables.createStatement(db, "items")).isEqualTo(before);
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
    }

    /**
     * Addresses and names are data, never JDBC URL text: a value that would add driver parameters
     * (here the LOCAL INFILE ones that let a server read the pod's files) ends the resource Failed
     * with InvalidSpec naming the field, before any connection is opened.
     */
    @EveryFlavor
    void hostileAddressesAndNamesFailAsInvalidSpecBeforeAnythingConnects(TestDatabase db) throws Exception {
        String namespace = harness.namespaceFor(db);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread accepting = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket ignored = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            String injected = "127.0.0.1:" + listener.getLocalPort() + "/mysql?allowLoadLocalInfile=true&allowUrlInLocalInfile=true#";

            SchemaMigrationSpec host = OperatorHarness.spec(db, "items", ALTER);
            host.getDatabase().setHost(injected);
            SchemaMigrationSpec schema = OperatorHarness.spec(db, "items", ALTER);
            schema.getDatabase().setSchema("shop?allowLoadLocalInfile=true&allowUrlInLocalInfile=true");
            SchemaMigrationSpec replica = OperatorHarness.spec(db, "items", ALTER);
            ReplicaEndpoint endpoint = new ReplicaEndpoint();
            endpoint.setHost(injected);
            replica.getDatabase().setReplicas(List.of(endpoint));
            SchemaMigrationSpec table = OperatorHarness.spec(db, "items\nDROP TABLE x", ALTER);
            Map<String, SchemaMigrationSpec> specs = Map.of("hostile-host", host, "hostile-schema", schema,
                    "hostile-replica", replica, "hostile-table", table);
            Map<String, String> fields = Map.of("hostile-host", "spec.database.host", "hostile-schema", "spec.database.schema",
                    "hostile-replica", "spec.database.replicas[0].host", "hostile-table", "spec.table");
            specs.forEach((name, spec) -> harness.apply(namespace, name, spec, Map.of()));

            for (String name : specs.keySet()) {
                SchemaMigrationStatus failed = harness.awaitPhase(namespace, name, MigrationPhase.FAILED, TIMEOUT);
                assertThat(condition(failed, Conditions.READY).getReason()).as(name).isEqualTo("InvalidSpec");
                assertThat(failed.getMessage()).as(name).contains(fields.get(name));
            }
            assertThat(connections.get()).as("connections the hostile values reached").isZero();
        }
    }

    private static void assertNoSecretIn(String namespace, String name, TestDatabase db) {
        String status = harness.client().getKubernetesSerialization().asJson(harness.status(namespace, name));
        String events = String.join("\n", harness.events(namespace, name));
        for (String secret : List.of(db.password(), WRONG_PASSWORD)) {
            assertThat(status).doesNotContain(secret);
            assertThat(events).doesNotContain(secret);
        }
    }
}
