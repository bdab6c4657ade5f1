package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.CaSource;
import dev.umbra.operator.model.DatabaseTlsSpec;
import dev.umbra.operator.model.KeyReference;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.model.SecretReference;
import dev.umbra.operator.model.TlsModeName;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestCertificates;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * spec.database.tls end to end: a server started with certificates the test makes, a login created
 * {@code REQUIRE X509} (the server refuses it without TLS and the client certificate, so every
 * session of the run must use both), the CA from a Secret or a ConfigMap, the client certificate from
 * a {@code kubernetes.io/tls} Secret. Mistakes end Failed with a reason naming the field, and no PEM
 * content reaches the status.
 */
class DatabaseTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TLS_USER = "umbra_x509";
    private static final String TLS_PASSWORD = "Tls-operator-Pa55";

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    static Stream<Flavor> flavorsWithModernTls() {
        return Flavor.selected().stream().filter(flavor -> flavor != Flavor.MYSQL_5_7);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void verifiedTlsWithTheCaFromASecretOrAConfigMapAndAClientCertificate(Flavor flavor) throws Exception {
        Path folder = Files.createDirectories(SharedServers.instancesRoot()).resolve("operator-tls-" + flavor.id() + "-"
                + ProcessHandle.current().pid());
        TestCertificates certificates = TestCertificates.create(folder, "127.0.0.1");
        DatabaseServer server = SharedServers.startPrivate(flavor, ServerOptions.defaults().withArguments(certificates.serverArguments()));
        try (TestDatabase db = TestDatabase.on(server)) {
            server.executeAsRoot("CREATE USER '" + TLS_USER + "'@'%' IDENTIFIED BY '" + TLS_PASSWORD + "' REQUIRE X509",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + TLS_USER + "'@'%'");
            SampleTable.create(db::connect, "items", 2_000);
            SampleTable.create(db::connect, "orders", 2_000);
            String namespace = harness.namespaceFor(db);
            harness.secret(namespace, "x509-login", Map.of("username", TLS_USER, "password", TLS_PASSWORD));
            String ca = TestCertificates.read(certificates.caCertificate());
            harness.secret(namespace, "db-ca", Map.of("ca.crt", ca));
            harness.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("db-ca-bundle").endMetadata().withData(Map.of("bundle.pem", ca)).build()).create();
            harness.client().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("db-client")
                    .endMetadata().withType("kubernetes.io/tls").withStringData(Map.of(
                            "tls.crt", TestCertificates.read(certificates.clientCertificate()),
                            "tls.key", TestCertificates.read(certificates.clientKey()))).build()).create();

            SchemaMigrationSpec fromSecret = tlsSpec(db, "items", TlsModeName.VERIFY_IDENTITY, secretCa("db-ca", "ca.crt"));
            harness.apply(namespace, "items-identity", fromSecret, Map.of());
            SchemaMigrationSpec fromConfigMap = tlsSpec(db, "orders", TlsModeName.VERIFY_CA, configMapCa("db-ca-bundle", "bundle.pem"));
            harness.apply(namespace, "orders-ca", fromConfigMap, Map.of());

            SchemaMigrationStatus identity = harness.awaitPhase(namespace, "items-identity", MigrationPhase.DONE, TIMEOUT);
            SchemaMigrationStatus caOnly = harness.awaitPhase(namespace, "orders-ca", MigrationPhase.DONE, TIMEOUT);
            assertThat(identity.getMessage()).contains("now has the new definition");
            assertThat(caOnly.getMessage()).contains("now has the new definition");
            assertThat(Tables.createStatement(db, "items")).contains("`status` tinyint");
            assertThat(Tables.createStatement(db, "orders")).contains("`status` tinyint");

            // the same login without the client certificate: the server refuses it, so the run above used it
            SchemaMigrationSpec withoutClientCertificate = tlsSpec(db, "items", TlsModeName.VERIFY_CA, secretCa("db-ca", "ca.crt"));
            withoutClientCertificate.getDatabase().getTls().setClientCertificateSecretRef(null);
            withoutClientCertificate.setAlter("ADD COLUMN extra INT");
            withoutClientCertificate.setSetupTimeoutSeconds(0); // a refused login fails at once
            harness.apply(namespace, "no-client-certificate", withoutClientCertificate, Map.of());
            SchemaMigrationStatus refused = harness.awaitPhase(namespace, "no-client-certificate", MigrationPhase.FAILED, TIMEOUT);
            assertThat(refused.getMessage()).contains("Access denied");
        } finally {
            server.kill();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void mistakesInTheTlsSpecFailNamingTheFieldWithoutShowingAnyPem(Flavor flavor) throws Exception {
        try (TestDatabase db = new TestDatabase(flavor)) {
            SampleTable.create(db::connect, "items", 10);
            String namespace = harness.namespaceFor(db);
            harness.secret(namespace, "x509-login", Map.of("username", db.user(), "password", db.password()));
            String marker = "MIIBmarkerNotToBeShown";
            harness.secret(namespace, "damaged-ca", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\n" + marker
                    + "\n-----END CERTIFICATE-----\n"));
            harness.secret(namespace, "good-ca", Map.of("ca.crt", TestCertificates.read(TestCertificates.create(
                    Files.createTempDirectory("umbra-ca-"), "127.0.0.1").caCertificate())));

            assertFails(namespace, "missing-secret", tlsSpec(db, "items", TlsModeName.VERIFY_CA, secretCa("absent", "ca.crt")),
                    "SecretNotFound", "spec.database.tls.ca.secretKeyRef");
            assertFails(namespace, "missing-key", tlsSpec(db, "items", TlsModeName.VERIFY_CA, secretCa("good-ca", "bundle.pem")),
                    "SecretInvalid", "has no key \"bundle.pem\"");
            assertFails(namespace, "missing-config-map", tlsSpec(db, "items", TlsModeName.VERIFY_CA, configMapCa("absent", "ca.crt")),
                    "ConfigMapNotFound", "spec.database.tls.ca.configMapKeyRef");
            assertFails(namespace, "unverified-ca", tlsSpec(db, "items", TlsModeName.REQUIRED, secretCa("good-ca", "ca.crt")),
                    "InvalidSpec", "spec.database.tls: a CA is given but the TLS mode REQUIRED does not check");
            CaSource both = secretCa("good-ca", "ca.crt");
            both.setConfigMapKeyRef(new KeyReference("bundle", "ca.crt"));
            assertFails(namespace, "two-sources", tlsSpec(db, "items", TlsModeName.VERIFY_CA, both),
                    "InvalidSpec", "give exactly one of secretKeyRef and configMapKeyRef");
            SchemaMigrationStatus damaged = assertFails(namespace, "damaged-ca",
                    tlsSpec(db, "items", TlsModeName.VERIFY_CA, secretCa("damaged-ca", "ca.crt")), "InvalidSpec", "the CA certificate");
            assertThat(damaged.getMessage()).doesNotContain(marker);
            assertThat(harness.events(namespace, "damaged-ca")).allSatisfy(event -> assertThat(event).doesNotContain(marker));
            assertThat(Tables.names(db)).containsExactlyInAnyOrder("items", SampleTable.mirrorOf("items"));
        }
    }

    private static SchemaMigrationStatus assertFails(String namespace, String name, SchemaMigrationSpec spec, String reason,
                                                     String message) {
        spec.getDatabase().getTls().setClientCertificateSecretRef(null);
        spec.setSetupTimeoutSeconds(0); // a missing Secret or ConfigMap fails at once instead of being waited for
        harness.apply(namespace, name, spec, Map.of());
        SchemaMigrationStatus failed = harness.awaitPhase(namespace, name, MigrationPhase.FAILED, TIMEOUT);
        assertThat(condition(failed, Conditions.READY).getReason()).as(failed.getMessage()).isEqualTo(reason);
        assertThat(failed.getMessage()).contains(message);
        return failed;
    }

    private static SchemaMigrationSpec tlsSpec(TestDatabase db, String table, TlsModeName mode, CaSource ca) {
        SchemaMigrationSpec spec = OperatorHarness.spec(db, table, "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        spec.getDatabase().setCredentialsSecretRef(new SecretReference("x509-login"));
        spec.getCutOver().setApproval(Approval.AUTOMATIC);
        DatabaseTlsSpec tls = new DatabaseTlsSpec();
        tls.setMode(mode);
        tls.setCa(ca);
        tls.setClientCertificateSecretRef(new SecretReference("db-client"));
        spec.getDatabase().setTls(tls);
        return spec;
    }

    private static CaSource secretCa(String name, String key) {
        CaSource source = new CaSource();
        source.setSecretKeyRef(new KeyReference(name, key));
        return source;
    }

    private static CaSource configMapCa(String name, String key) {
        CaSource source = new CaSource();
        source.setConfigMapKeyRef(new KeyReference(name, key));
        return source;
    }
}
