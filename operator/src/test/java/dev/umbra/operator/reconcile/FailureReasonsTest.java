package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.ReplicaEndpoint;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.model.SecretReference;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.KstatusRules;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TcpProxy;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What cannot run ends in Failed with a specific reason and message, and no secret value ever
 * appears in the status or an Event. What may be fixed outside the resource (its Secret, the
 * database's reachability, the account) is waited for first, for spec.setupTimeoutSeconds.
 */
class FailureReasonsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final String WRONG_PASSWORD = "not-the-Pa55word-xyzzy";
    /** Short, so that waiting for a setup problem ends within the test. */
    private static final int SETUP_TIMEOUT_SECONDS = 2;

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    @EveryFlavor
    void missingSecretSecretWithoutPasswordAndWrongPasswordWaitThenFailWithTheirReason(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        String namespace = harness.namespaceFor(db);
        harness.secret(namespace, "no-password", Map.of("username", db.user()));
        harness.secret(namespace, "wrong-password", Map.of("username", db.user(), "password", WRONG_PASSWORD));
        Map<String, String> secretOf = Map.of("missing-secret", "no-such-secret", "no-password", "no-password",
                "wrong-password", "wrong-password");
        for (Map.Entry<String, String> migration : secretOf.entrySet()) {
            SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", ALTER);
            spec.getDatabase().setCredentialsSecretRef(new SecretReference(migration.getValue()));
            spec.setSetupTimeoutSeconds(SETUP_TIMEOUT_SECONDS);
            harness.apply(namespace, migration.getKey(), spec, Map.of());
        }
        Map<String, String> reasons = Map.of("missing-secret", "SecretNotFound", "no-password", "SecretInvalid",
                "wrong-password", "CannotConnect");
        Map<String, String> messages = Map.of("missing-secret", "The Secret " + namespace + "/no-such-secret",
                "no-password", "has no key \"password\"", "wrong-password", "Access denied");
        for (String name : secretOf.keySet()) {
            // first it waits: the Secret or the account may be fixed without touching the resource
            SchemaMigrationStatus waiting = harness.awaitStatus(namespace, name, status -> hasReadyReason(status, reasons.get(name)),
                    "waiting", TIMEOUT);
            assertThat(waiting.getPhase()).as(name).isEqualTo(MigrationPhase.PENDING);
            assertThat(waiting.getMessage()).as(name).startsWith("Waiting: ").contains(messages.get(name))
                    .contains("until spec.setupTimeoutSeconds runs out");
        }
        for (String name : secretOf.keySet()) {
            SchemaMigrationStatus failed = harness.awaitPhase(namespace, name, MigrationPhase.FAILED, TIMEOUT);
            assertThat(condition(failed, Conditions.READY).getReason()).as(name).isEqualTo(reasons.get(name));
            assertThat(failed.getMessage()).as(name).startsWith("Failed: ").contains(messages.get(name))
                    .contains("Still so after " + SETUP_TIMEOUT_SECONDS + " s (spec.setupTimeoutSeconds)");
            assertThat(harness.events(namespace, name)).as(name).anyMatch(event -> event.startsWith(reasons.get(name) + ": "));
            assertNoSecretIn(namespace, name, db);
        }
        OperatorHarness.sleep(1_500);
        assertThat(harness.status(namespace, "wrong-password").getPhase()).as("Failed is final").isEqualTo(MigrationPhase.FAILED);
        assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", "items_mirror");
    }

    /**
     * GitOps applies objects in no set order, and databases restart: a Secret created after the
     * resource, a password corrected in its Secret, and a database that starts listening later are
     * all waited for, and each migration then runs to Done.
     */
    @EveryFlavor
    void aLateSecretACorrectedPasswordAndADatabaseThatComesUpLaterAreWaitedFor(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 100);
        SampleTable.create(db::connect, "orders", 100);
        SampleTable.create(db::connect, "lines", 100);
        String namespace = harness.namespaceFor(db);
        try (TcpProxy notYetListening = TcpProxy.to(db.host(), 1)) {
            SchemaMigrationSpec lateSecret = OperatorHarness.spec(db, "items", ALTER);
            lateSecret.getDatabase().setCredentialsSecretRef(new SecretReference("created-later"));
            harness.apply(namespace, "late-secret", lateSecret, Map.of(Annotations.APPROVE_CUT_OVER, "true"));
            harness.secret(namespace, "corrected-later", Map.of("username", db.user(), "password", WRONG_PASSWORD));
            SchemaMigrationSpec wrongPassword = OperatorHarness.spec(db, "orders", ALTER);
            wrongPassword.getDatabase().setCredentialsSecretRef(new SecretReference("corrected-later"));
            harness.apply(namespace, "wrong-password", wrongPassword, Map.of(Annotations.APPROVE_CUT_OVER, "true"));
            SchemaMigrationSpec lateDatabase = OperatorHarness.spec(db, "lines", ALTER);
            lateDatabase.getDatabase().setPort(notYetListening.port());
            harness.apply(namespace, "late-database", lateDatabase, Map.of(Annotations.APPROVE_CUT_OVER, "true"));

            awaitWaitingWith(namespace, "late-secret", "SecretNotFound");
            awaitWaitingWith(namespace, "wrong-password", "CannotConnect");
            awaitWaitingWith(namespace, "late-database", "CannotConnect");

            harness.secret(namespace, "created-later", Map.of("username", db.user(), "password", db.password()));
            harness.secret(namespace, "corrected-later", Map.of("username", db.user(), "password", db.password()));
            notYetListening.retarget(db.port());
            for (String name : List.of("late-secret", "wrong-password", "late-database")) {
                // the next try may be up to a minute away (the pause doubles from the recheck interval)
                SchemaMigrationStatus done = harness.awaitStatus(namespace, name, status -> status.getPhase().isFinal(),
                        "an end", TIMEOUT.plusSeconds(90));
                assertThat(done.getPhase()).as(name + ": " + done.getMessage()).isEqualTo(MigrationPhase.DONE);
                assertNoSecretIn(namespace, name, db);
            }
        }
        for (String table : List.of("items", "orders", "lines")) {
            assertThat(Tables.createStatement(db, table)).contains("`status`");
        }
    }

    /** A rotated password: the account changes it, the Secret follows, the run's next logins use the new one. */
    @EveryFlavor
    void aPasswordRotatedInItsSecretWhileTheMigrationRunsIsUsedAtTheNextLogin(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 200);
        String namespace = harness.namespaceFor(db);
        String user = "rot" + Long.toHexString(System.nanoTime());
        db.server().executeAsRoot("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'First-Rotation-Pa55'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON `" + db.schema() + "`.* TO '"
                        + user + "'@'%'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'%'");
        try {
            harness.secret(namespace, "rotated", Map.of("username", user, "password", "First-Rotation-Pa55"));
            SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", ALTER);
            spec.getDatabase().setCredentialsSecretRef(new SecretReference("rotated"));
            harness.apply(namespace, "rotated", spec, Map.of());
            harness.awaitPhase(namespace, "rotated", MigrationPhase.AWAITING_CUT_OVER, TIMEOUT);

            db.server().executeAsRoot("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'Second-Rotation-Pa55'");
            harness.secret(namespace, "rotated", Map.of("username", user, "password", "Second-Rotation-Pa55"));
            OperatorHarness.sleep(1_500); // the password read last is kept for a second
            assertThat(db.server().killSessionsOf(user)).as("the migration's sessions").isPositive();

            harness.annotate(namespace, "rotated", Annotations.APPROVE_CUT_OVER, "true");
            SchemaMigrationStatus done = harness.awaitStatus(namespace, "rotated", status -> status.getPhase().isFinal(),
                    "an end", TIMEOUT);
            assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(MigrationPhase.DONE);
            assertThat(Tables.createStatement(db, "items")).contains("`status`");
            String status = harness.client().getKubernetesSerialization().asJson(done);
            assertThat(status).doesNotContain("Rotation-Pa55");
            assertThat(String.join("\n", harness.events(namespace, "rotated"))).doesNotContain("Rotation-Pa55");
        } finally {
            db.server().executeAsRoot("DROP USER '" + user + "'@'%'");
        }
    }

    private static boolean hasReadyReason(SchemaMigrationStatus status, String reason) {
        return status.getConditions() != null && Conditions.get(status, Conditions.READY) != null
                && reason.equals(Conditions.get(status, Conditions.READY).getReason());
    }

    private static void awaitWaitingWith(String namespace, String name, String reason) {
        SchemaMigrationStatus waiting = harness.awaitStatus(namespace, name, status -> hasReadyReason(status, reason),
                "waiting with " + reason, TIMEOUT);
        assertThat(waiting.getPhase()).as(name).isEqualTo(MigrationPhase.PENDING);
        assertThat(waiting.getMessage()).as(name).startsWith("Waiting: ");
        assertThat(Conditions.isTrue(waiting, Conditions.RECONCILING)).as(name + ": still worked on").isTrue();
    }

    @EveryFlavor
    void unreachableHostWaitsThenFails(TestDatabase db) throws Exception {
        String namespace = harness.namespaceFor(db);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", ALTER);
        spec.getDatabase().setPort(1); // nothing listens on port 1
        spec.setSetupTimeoutSeconds(SETUP_TIMEOUT_SECONDS);
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
