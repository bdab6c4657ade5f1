package dev.umbra.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestCertificates;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MySQL 5.7.22 as shipped in the test server is built with yaSSL, which speaks TLS 1.0 and 1.1
 * only; Java 17 and Connector/J 9 refuse both. A mode that requires TLS must then fail with that
 * reason (not "Communications link failure"), before anything is created, and DISABLED must still
 * migrate. (5.7 builds with OpenSSL speak TLS 1.2 and behave as {@link TlsSessionsTest} shows.)
 */
class TlsOnMySql57Test {

    static Stream<Flavor> mysql57() {
        return Flavor.selected().stream().filter(flavor -> flavor == Flavor.MYSQL_5_7);
    }

    @ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
    @MethodSource("mysql57")
    void aServerWithOnlyOldTlsIsRefusedWithTheReasonAndDisabledStillMigrates(Flavor flavor) throws Exception {
        TestCertificates certificates = TestCertificates.create(Files.createDirectories(SharedServers.instancesRoot())
                .resolve("tls-" + flavor.id() + "-" + ProcessHandle.current().pid()), "127.0.0.1");
        DatabaseServer server = SharedServers.startPrivate(flavor, ServerOptions.defaults().withArguments(certificates.serverArguments()));
        try (TestDatabase db = TestDatabase.on(server)) {
            db.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO items VALUES (1, 'a'), (2, 'b')");
            ConnectionSettings login = new ConnectionSettings(db.host(), db.port(), db.user(), db.password());

            Throwable required = TlsSessionsTest.runToFailure(db, login.withTls(TlsSettings.of(TlsMode.REQUIRED)));
            Throwable verifyCa = TlsSessionsTest.runToFailure(db, login.withTls(new TlsSettings(TlsMode.VERIFY_CA,
                    TestCertificates.read(certificates.caCertificate()), null, null)));
            assertThat(TableContents.tables(db)).containsExactly("items");
            Progress disabled = new MigrationRunner(new MigrationPlan(login.withTls(TlsSettings.of(TlsMode.DISABLED)), db.schema(),
                    "items", "ADD COLUMN note VARCHAR(10)", MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)),
                    progress -> { }).run();

            System.out.printf("[%s] REQUIRED: %s%n[%s] VERIFY_CA: %s%n", flavor.id(), required.getMessage(), flavor.id(),
                    verifyCa.getMessage());
            assertThat(required).hasMessageContaining("TLS handshake").hasMessageContaining("TLS 1.2 or later");
            assertThat(verifyCa).hasMessageContaining("TLS handshake").hasMessageContaining("TLS 1.2 or later");
            assertThat(disabled.phase()).isEqualTo(Phase.DONE);
            assertThat(TableContents.createStatement(db, "items")).contains("`note` varchar(10)");
        } finally {
            server.kill();
        }
    }
}
