package dev.umbra.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.binlog.BinlogStream;
import dev.umbra.engine.binlog.TransactionQueue;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.plan.ThrottleOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestCertificates;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS to the database on servers started with certificates the test makes (MariaDB 11.4 and MySQL
 * 8.0; MySQL 5.7.22's yaSSL build is covered by {@link TlsOnMySql57Test}). The migration logs in as
 * a user created {@code REQUIRE X509}: the server refuses any session of that user without TLS and
 * a client certificate signed by its CA, so a session that skipped TLS (a copy worker, the
 * cut-over's lock holder, the binlog dump) would fail the run rather than pass unnoticed. Each
 * JDBC session reports its cipher as it opens; the server reports the binlog dump's.
 */
class TlsSessionsTest {

    private static final String TLS_USER = "umbra_x509";
    private static final String TLS_PASSWORD = "Tls-test-Pa55";
    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final Map<Flavor, TlsServer> SERVERS = new EnumMap<>(Flavor.class);

    private record TlsServer(DatabaseServer server, TestCertificates certificates, TestCertificates otherCa) {
    }

    static Stream<Flavor> flavorsWithModernTls() {
        return Flavor.selected().stream().filter(flavor -> flavor != Flavor.MYSQL_5_7);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void verifyCaRunsEverySessionOfAMigrationOverTlsWithTheClientCertificate(Flavor flavor) throws Exception {
        TlsServer tls = server(flavor);
        try (TestDatabase db = TestDatabase.on(tls.server())) {
            SampleTable.create(db::connect, "items", 20_000);
            TlsSettings settings = new TlsSettings(TlsMode.VERIFY_CA, TestCertificates.read(tls.certificates().caCertificate()),
                    TestCertificates.read(tls.certificates().clientCertificate()), TestCertificates.read(tls.certificates().clientKey()));
            // The server stands in for its own replica too: the lag checks' sessions must also pass REQUIRE X509,
            // or the throttle would hold the run (the replica "cannot be read") until the test times out.
            MigrationOptions options = MigrationOptions.defaults().withInstantDdl(false).withThrottle(ThrottleOptions.none()
                    .withReplicas(List.of(new ReplicaAddress(db.host(), db.port()))));
            BackgroundMigration migration = new BackgroundMigration(new MigrationPlan(login(db, settings), db.schema(), "items",
                    "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", options));
            List<String> ciphers = new ArrayList<>();
            migration.runner().setSessionInitializer(session -> {
                synchronized (ciphers) {
                    ciphers.add(sessionCipher(session));
                }
            });
            Progress done;
            String dumpCipher;
            try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
                writer.start(2);
                migration.start();
                migration.awaitPhase(Phase.AWAITING_CUT_OVER, Duration.ofSeconds(90));
                dumpCipher = binlogDumpCipher(tls.server());
                migration.runner().control().approveCutOver();
                done = migration.awaitEnd(Duration.ofSeconds(90));
                Thread.sleep(200);
            }

            System.out.printf("[%s] VERIFY_CA with a client certificate: %d JDBC sessions, ciphers %s; binlog dump %s%n",
                    flavor.id(), ciphers.size(), Set.copyOf(ciphers), dumpCipher);
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            // the inspection, the planner, copy workers, the applier, the heartbeat and the cut-over's sessions
            assertThat(ciphers).hasSizeGreaterThanOrEqualTo(4).allSatisfy(cipher -> assertThat(cipher).isNotBlank());
            assertThat(dumpCipher).isNotBlank();
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void aServerCertificateFromAnotherCaIsRefusedWithTheReasonAndNothingIsCreated(Flavor flavor) throws Exception {
        TlsServer tls = server(flavor);
        try (TestDatabase db = TestDatabase.on(tls.server())) {
            db.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO items VALUES (1, 'a')");
            TlsSettings wrongCa = new TlsSettings(TlsMode.VERIFY_CA, TestCertificates.read(tls.otherCa().caCertificate()),
                    TestCertificates.read(tls.certificates().clientCertificate()), TestCertificates.read(tls.certificates().clientKey()));

            Throwable failure = runToFailure(db, login(db, wrongCa));

            System.out.printf("[%s] wrong CA: %s%n", flavor.id(), failure.getMessage());
            assertThat(failure).hasMessageContaining("certificate").hasMessageContaining("TLS");
            assertThat(TableContents.tables(db)).containsExactly("items");
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void verifyIdentityChecksTheNameConnectedTo(Flavor flavor) throws Exception {
        TlsServer tls = server(flavor);
        try (TestDatabase db = TestDatabase.on(tls.server())) {
            db.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO items VALUES (1, 'a')");
            TlsSettings identity = new TlsSettings(TlsMode.VERIFY_IDENTITY, TestCertificates.read(tls.certificates().caCertificate()),
                    TestCertificates.read(tls.certificates().clientCertificate()), TestCertificates.read(tls.certificates().clientKey()));

            // The certificate names 127.0.0.1 and not "localhost", although both reach the server.
            Throwable wrongName = runToFailure(db, login(db, identity).at("localhost", db.port()));
            Progress done = new dev.umbra.engine.run.MigrationRunner(new MigrationPlan(login(db, identity), db.schema(), "items",
                    "ADD COLUMN note VARCHAR(10)", MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)),
                    progress -> { }).run();

            System.out.printf("[%s] VERIFY_IDENTITY to localhost: %s%n", flavor.id(), wrongName.getMessage());
            assertThat(wrongName).hasMessageContaining("localhost").hasMessageContaining("certificate");
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(TableContents.createStatement(db, "items")).contains("`note` varchar(10)");
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void theServerRefusesTheUserWithoutTlsOrWithoutTheClientCertificate(Flavor flavor) throws Exception {
        TlsServer tls = server(flavor);
        try (TestDatabase db = TestDatabase.on(tls.server())) {
            db.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))");
            Throwable plain = runToFailure(db, login(db, TlsSettings.of(TlsMode.DISABLED)));
            Throwable noClientCertificate = runToFailure(db, login(db, new TlsSettings(TlsMode.VERIFY_CA,
                    TestCertificates.read(tls.certificates().caCertificate()), null, null)));

            assertThat(plain).hasMessageContaining("Access denied");
            assertThat(noClientCertificate).hasMessageContaining("Access denied");
            assertThat(TableContents.tables(db)).containsExactly("items");
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void requiredAgainstAServerWithoutTlsFailsBeforeAnythingIsCreated(Flavor flavor) throws Exception {
        DatabaseServer plainServer = SharedServers.startPrivate(flavor, ServerOptions.defaults().withArguments(List.of("--skip-ssl")));
        try (TestDatabase db = TestDatabase.on(plainServer)) {
            db.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))");
            ConnectionSettings required = new ConnectionSettings(db.host(), db.port(), db.user(), db.password(),
                    TlsSettings.of(TlsMode.REQUIRED));

            Throwable failure = runToFailure(db, required);

            System.out.printf("[%s] REQUIRED without TLS on the server: %s%n", flavor.id(), failure.getMessage());
            assertThat(failure).hasMessageContaining("TLS");
            assertThat(TableContents.tables(db)).containsExactly("items");
        } finally {
            plainServer.kill();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavorsWithModernTls")
    void theBinlogStreamChecksTheServerCertificateAsTheSessionsDo(Flavor flavor) throws Exception {
        TlsServer tls = server(flavor);
        try (TestDatabase db = TestDatabase.on(tls.server())) {
            db.execute("CREATE TABLE items (id INT PRIMARY KEY)");
            String clientCertificate = TestCertificates.read(tls.certificates().clientCertificate());
            String clientKey = TestCertificates.read(tls.certificates().clientKey());
            TlsSettings wrongCa = new TlsSettings(TlsMode.VERIFY_CA, TestCertificates.read(tls.otherCa().caCertificate()),
                    clientCertificate, clientKey);
            TlsSettings identity = new TlsSettings(TlsMode.VERIFY_IDENTITY, TestCertificates.read(tls.certificates().caCertificate()),
                    clientCertificate, clientKey);

            assertThat(binlogStreamFailure(db, login(db, wrongCa))).hasMessageContaining("is not signed by the given CA");
            assertThat(binlogStreamFailure(db, login(db, identity).at("localhost", db.port())))
                    .hasMessageContaining("does not name the host");
            try (BinlogStream stream = binlogStream(db, login(db, identity))) {
                stream.start(currentPosition(db));
            }
        }
    }

    @AfterAll
    static void stopServers() {
        synchronized (SERVERS) {
            SERVERS.values().forEach(tls -> tls.server().kill());
            SERVERS.clear();
        }
    }

    static Throwable runToFailure(TestDatabase db, ConnectionSettings settings) {
        MigrationPlan plan = new MigrationPlan(settings, db.schema(), "items", "ADD COLUMN extra INT",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true));
        Throwable[] failure = new Throwable[1];
        assertThatThrownBy(() -> new dev.umbra.engine.run.MigrationRunner(plan, progress -> { }).run())
                .satisfies(thrown -> failure[0] = thrown);
        return failure[0];
    }

    private static Throwable binlogStreamFailure(TestDatabase db, ConnectionSettings settings) throws SQLException {
        BinlogPosition start = currentPosition(db);
        try (BinlogStream stream = binlogStream(db, settings)) {
            Throwable[] failure = new Throwable[1];
            assertThatThrownBy(() -> stream.start(start)).isInstanceOf(IOException.class).satisfies(thrown -> failure[0] = thrown);
            return failure[0];
        }
    }

    private static BinlogStream binlogStream(TestDatabase db, ConnectionSettings settings) {
        return new BinlogStream(settings, db.schema(), Set.of("items"), new TransactionQueue(10, Long.MAX_VALUE));
    }

    private static BinlogPosition currentPosition(TestDatabase db) throws SQLException {
        try (Connection session = db.connect()) {
            return BinlogPosition.current(session, ServerInfo.read(session));
        }
    }

    private static ConnectionSettings login(TestDatabase db, TlsSettings tls) {
        return new ConnectionSettings(db.host(), db.port(), TLS_USER, TLS_PASSWORD, tls);
    }

    private static TlsServer server(Flavor flavor) throws Exception {
        synchronized (SERVERS) {
            TlsServer running = SERVERS.get(flavor);
            if (running != null) {
                return running;
            }
            Path folder = Files.createDirectories(SharedServers.instancesRoot()).resolve("tls-" + flavor.id() + "-" + ProcessHandle.current().pid());
            TestCertificates certificates = TestCertificates.create(folder.resolve("ca"), "127.0.0.1");
            TestCertificates otherCa = TestCertificates.create(folder.resolve("other-ca"), "127.0.0.1");
            List<String> arguments = new ArrayList<>(certificates.serverArguments());
            if (flavor.isMariaDb()) {
                arguments.add("--performance-schema=ON"); // for the binlog dump's Ssl_cipher; MySQL has it on
            }
            DatabaseServer server = SharedServers.startPrivate(flavor, ServerOptions.defaults().withArguments(arguments));
            server.executeAsRoot(
                    "CREATE USER '" + TLS_USER + "'@'%' IDENTIFIED BY '" + TLS_PASSWORD + "' REQUIRE X509",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + TLS_USER + "'@'%'");
            TlsServer started = new TlsServer(server, certificates, otherCa);
            SERVERS.put(flavor, started);
            return started;
        }
    }

    private static String sessionCipher(Connection session) throws SQLException {
        try (Statement statement = session.createStatement();
             ResultSet row = statement.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            return row.next() ? row.getString(2) : "";
        }
    }

    /** The cipher of the session that streams the binlog to the migration, as the server sees it. */
    private static String binlogDumpCipher(DatabaseServer server) throws SQLException {
        try (Connection root = server.connectAsRoot(); Statement statement = root.createStatement();
             ResultSet rows = statement.executeQuery("SELECT s.VARIABLE_VALUE FROM performance_schema.threads t"
                     + " JOIN performance_schema.status_by_thread s ON s.THREAD_ID = t.THREAD_ID"
                     + " WHERE t.PROCESSLIST_COMMAND LIKE 'Binlog Dump%' AND t.PROCESSLIST_USER = '" + TLS_USER + "'"
                     + " AND s.VARIABLE_NAME = 'Ssl_cipher'")) {
            List<String> ciphers = new ArrayList<>();
            while (rows.next()) {
                ciphers.add(rows.getString(1));
            }
            assertThat(ciphers).as("the binlog dump sessions of " + TLS_USER).hasSize(1);
            return ciphers.get(0);
        }
    }
}
