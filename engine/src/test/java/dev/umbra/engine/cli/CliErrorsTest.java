package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestCertificates;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals, failures and bad usage: the exit code says which, stderr says why. */
class CliErrorsTest {

    @EveryFlavor
    void refusedAlterExits3AndLeavesNoHelperTable(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 100);
        String createBefore = TableContents.createStatement(db, "t");

        UmbraCommand.Result result = UmbraCommand.run(UmbraCommand.migrate(db, "t", "RENAME TO x", "--execute"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(UmbraCli.EXIT_REFUSED);
        assertThat(result.err()).contains("Refused: ").contains("renames the table").contains("RENAME TO x");
        assertThat(TableContents.tables(db)).containsExactly("t");
        assertThat(TableContents.createStatement(db, "t")).isEqualTo(createBefore);
    }

    @EveryFlavor
    void wrongPasswordExits4WithoutShowingIt(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 10);
        String wrong = "Wr0ng-" + System.nanoTime();
        List<String> args = new ArrayList<>(UmbraCommand.connection(db));
        args.addAll(List.of("--password", wrong, "--table", "t", "--alter", "ADD COLUMN c INT", "--execute"));

        // Logs go to System.out / System.err, outside the command's own writers: capture those too.
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        UmbraCommand.Result result;
        try (PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            result = UmbraCommand.run(args.toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(UmbraCli.EXIT_FAILED);
        assertThat(result.err()).contains("Failed: cannot connect to").contains("Access denied");
        assertThat(result.all()).doesNotContain(wrong);
        assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain(wrong);
        assertThat(TableContents.tables(db)).containsExactly("t");
    }

    /**
     * The injection that once turned on the driver's LOCAL INFILE through --host: refused with the
     * usage exit code, naming the flag, before anything connects (the listener would count it).
     */
    @Test
    void hostileHostDatabaseOrReplicaExits2BeforeConnecting() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(1);
            String injected = "127.0.0.1:" + listener.getLocalPort() + "/mysql?allowLoadLocalInfile=true&allowUrlInLocalInfile=true#";
            String[][] runs = {
                    {"--host", injected, "--database", "shop"},
                    {"--host", "127.0.0.1", "--port", Integer.toString(listener.getLocalPort()), "--database", "shop?allowLoadLocalInfile=true"},
                    {"--host", "127.0.0.1", "--port", Integer.toString(listener.getLocalPort()), "--database", "shop",
                            "--throttle-control-replicas", injected},
            };
            String[] flags = {"--host ", "--database ", "--throttle-control-replicas: "};
            for (int i = 0; i < runs.length; i++) {
                List<String> args = new ArrayList<>(List.of("migrate", "--user", "u", "--password", "p", "--table", "t",
                        "--alter", "ADD c INT", "--execute"));
                args.addAll(List.of(runs[i]));
                UmbraCommand.Result result = UmbraCommand.run(args.toArray(String[]::new));
                assertThat(result.exitCode()).as(result.toString()).isEqualTo(UmbraCli.EXIT_USAGE);
                assertThat(result.err()).as(result.toString()).contains(flags[i]);
            }
            assertThatThrownBy(listener::accept).as("a connection reached the listener").isInstanceOf(SocketTimeoutException.class);
        }
    }

    /**
     * The TLS flags reach every session: a CA of the test's own is never the one that signs the
     * server's certificate (MySQL 8's own), and the other servers offer no TLS; either way the run
     * fails before anything is created, saying why in TLS terms.
     */
    @EveryFlavor
    void aCaThatDoesNotSignTheServerFailsTheRunWithTheTlsReason(TestDatabase db, @TempDir Path folder) throws Exception {
        UmbraCommand.createTable(db, 10);
        TestCertificates strangers = TestCertificates.create(folder, "127.0.0.1");

        UmbraCommand.Result result = UmbraCommand.run(UmbraCommand.migrate(db, "t", "ADD COLUMN c INT", "--execute",
                "--ssl-ca", strangers.caCertificate().toString()));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(UmbraCli.EXIT_FAILED);
        assertThat(result.err()).contains("Failed: cannot connect to")
                .containsAnyOf("is not signed by the given CA", "does not offer TLS, which the TLS mode VERIFY_CA requires");
        assertThat(TableContents.tables(db)).containsExactly("t");
    }

    @Test
    void badTlsFlagsExit2NamingTheProblem(@TempDir Path folder) throws Exception {
        TestCertificates certificates = TestCertificates.create(folder, "db.example.test");
        String[] base = {"migrate", "--user", "u", "--database", "d", "--table", "t", "--alter", "ADD c INT"};
        Path notPem = Files.writeString(folder.resolve("not.pem"), "hello");

        UmbraCommand.Result badMode = UmbraCommand.run(with(base, "--ssl-mode", "on"));
        assertThat(badMode.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badMode.err()).contains("--ssl-mode: unknown TLS mode 'on'");

        UmbraCommand.Result missing = UmbraCommand.run(with(base, "--ssl-ca", folder.resolve("absent.pem").toString()));
        assertThat(missing.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(missing.err()).contains("--ssl-ca: cannot read").contains("absent.pem");

        UmbraCommand.Result garbage = UmbraCommand.run(with(base, "--ssl-ca", notPem.toString()));
        assertThat(garbage.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(garbage.err()).contains("the CA certificate holds no PEM certificate");

        UmbraCommand.Result unverifiedCa = UmbraCommand.run(with(base, "--ssl-mode", "REQUIRED",
                "--ssl-ca", certificates.caCertificate().toString()));
        assertThat(unverifiedCa.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(unverifiedCa.err()).contains("does not check the server's certificate");

        UmbraCommand.Result certificateWithoutKey = UmbraCommand.run(with(base, "--ssl-mode", "VERIFY_IDENTITY",
                "--ssl-cert", certificates.clientCertificate().toString()));
        assertThat(certificateWithoutKey.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(certificateWithoutKey.err()).contains("client certificate is given without its key");
    }

    @Test
    void badUsageExits2() {
        UmbraCommand.Result missingTable = UmbraCommand.run("migrate", "--user", "u", "--database", "d", "--alter", "ADD c INT");
        assertThat(missingTable.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(missingTable.err()).contains("Missing required option: '--table=TABLE'").contains("Usage: umbra migrate");

        UmbraCommand.Result badMethod = UmbraCommand.run("migrate", "--user", "u", "--database", "d", "--table", "t",
                "--alter", "ADD c INT", "--cut-over", "sideways");
        assertThat(badMethod.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badMethod.err()).contains("'sideways' is not a cut-over method");

        UmbraCommand.Result badChunk = UmbraCommand.run("migrate", "--user", "u", "--database", "d", "--table", "t",
                "--alter", "ADD c INT", "--chunk-size", "0");
        assertThat(badChunk.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badChunk.err()).contains("--chunk-size must be between 1 and 100000, not 0.");

        // The CLI and a SchemaMigration share one form: every error at once, each under its flag.
        UmbraCommand.Result twoBad = UmbraCommand.run("migrate", "--user", "u", "--database", "d", "--table", "t",
                "--alter", "ADD c INT", "--chunk-time-millis", "60001", "--cut-over-lock-timeout-seconds", "301");
        assertThat(twoBad.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(twoBad.err()).contains("--chunk-time-millis must be between 0 (fixed chunks) and 60000, not 60001.")
                .contains("--cut-over-lock-timeout-seconds must be between 1 and 300, not 301.");

        UmbraCommand.Result badWorkers = UmbraCommand.run("migrate", "--user", "u", "--database", "d", "--table", "t",
                "--alter", "ADD c INT", "--copy-workers", "17");
        assertThat(badWorkers.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badWorkers.err()).contains("--copy-workers must be between 1 and 16, not 17.");

        UmbraCommand.Result badWindow = UmbraCommand.run("migrate", "--user", "u", "--database", "d", "--table", "t",
                "--alter", "ADD c INT", "--revert-window", "half an hour");
        assertThat(badWindow.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badWindow.err()).contains("--revert-window 'half an hour' is not a duration; write one such as 30m");

        UmbraCommand.Result longWindow = UmbraCommand.run("migrate", "--user", "u", "--database", "d", "--table", "t",
                "--alter", "ADD c INT", "--revert-window", "8d");
        assertThat(longWindow.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(longWindow.err()).contains("--revert-window must be at most 7d (0 for no revert window), not 8d.");

        assertThat(UmbraCommand.run().exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
    }

    @Test
    void badThrottleFlagsExit2NamingTheFlag() {
        String[] base = {"migrate", "--user", "u", "--database", "d", "--table", "t", "--alter", "ADD c INT"};
        UmbraCommand.Result lagWithoutReplicas = UmbraCommand.run(with(base, "--max-lag-millis", "500"));
        assertThat(lagWithoutReplicas.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(lagWithoutReplicas.err()).contains("--max-lag-millis needs the replicas").contains("--throttle-control-replicas");

        UmbraCommand.Result badReplica = UmbraCommand.run(with(base, "--throttle-control-replicas", "db2:x"));
        assertThat(badReplica.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badReplica.err()).contains("--throttle-control-replicas: \"db2:x\" is not host:port");

        UmbraCommand.Result badLoad = UmbraCommand.run(with(base, "--max-load", "Threads_running=many"));
        assertThat(badLoad.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badLoad.err()).contains("--max-load: the limit of Threads_running is not a whole number");

        UmbraCommand.Result badCritical = UmbraCommand.run(with(base, "--critical-load", "Threads_running"));
        assertThat(badCritical.exitCode()).isEqualTo(UmbraCli.EXIT_USAGE);
        assertThat(badCritical.err()).contains("--critical-load: \"Threads_running\" is not Status_variable=limit");
    }

    private static String[] with(String[] base, String... more) {
        List<String> args = new ArrayList<>(List.of(base));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void helpPrintsTheFlags() {
        UmbraCommand.Result help = UmbraCommand.run("migrate", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: umbra migrate", "--execute", "--cut-over=METHOD", "atomic, two-step",
                "--postpone-cut-over-flag-file=FILE", "--status-json=FILE",
                "--throttle-control-replicas=HOST:PORT,...", "--max-lag-millis=MILLIS", "--max-load=VAR=LIMIT,...",
                "--critical-load=VAR=LIMIT,...", "--reconnect-timeout-seconds=SECONDS", "UMBRA_PASSWORD", "Exit codes:");
    }
}
