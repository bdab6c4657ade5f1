package dev.umbra.benchmark;

import dev.umbra.engine.alter.AlterParser;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * scripts/benchmark: Umbra's migration against the server's own ALTER TABLE ... ALGORITHM=COPY,
 * on real servers that the test harness starts, in one process. Prints the figures of every case
 * as a Markdown table per server, and exits 1 if any case's table does not equal its control table.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Umbra's online migration against native ALTER TABLE ... ALGORITHM=COPY on real servers.")
public final class Benchmark implements Callable<Integer> {

    @Option(names = "--rows", description = "rows in the table (default ${DEFAULT-VALUE})")
    long rows = 1_000_000;

    @Option(names = "--flavors", split = ",", description = "servers: mariadb11, mysql8, mysql57 (default ${DEFAULT-VALUE})")
    List<String> flavors = List.of("mariadb11", "mysql8");

    @Option(names = "--cases", split = ",", description = "cases to run: a (native ALTER), b (Umbra idle), n (b without the checksum), c (steady"
            + " writer), d (writer flat out), s (d with one apply session), i (instant DDL allowed), f (fixed 1,000-row chunks),"
            + " p (two copy workers), t (one transaction updating every row), j (the umbra CLI's dry run in a new JVM),"
            + " k (pt-online-schema-change idle, from Debian's percona-toolkit) (default ${DEFAULT-VALUE})")
    List<String> cases = List.of("a", "b", "k", "p", "c", "d", "i");

    @Option(names = "--writer-rate", description = "operations per second of the steady writer, case c (default ${DEFAULT-VALUE})")
    int writerRate = 1_000;

    @Option(names = "--writer-threads", description = "threads of the steady writer, case c (default ${DEFAULT-VALUE})")
    int writerThreads = 4;

    @Option(names = "--flat-out-threads", description = "threads of the flat-out writer, case d (default ${DEFAULT-VALUE})")
    int flatOutThreads = 16;

    @Option(names = "--buffer-pool-mb", description = "the servers' InnoDB buffer pool in MB; 128 is the servers' own"
            + " default, too small for the tables of a 1,000,000-row run (default ${DEFAULT-VALUE})")
    int bufferPoolMb = 2_048;

    @Option(names = "--case-limit-seconds", description = "an Umbra case still running after this long is aborted and"
            + " reported as not finished, so that the other cases still run (default ${DEFAULT-VALUE})")
    int caseLimitSeconds = 600;

    @Option(names = "--chunk-size", description = "Umbra's initial rows per copy chunk (default: Umbra's default)")
    int chunkSize;

    public static void main(String[] args) {
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new Benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        List<BenchmarkCase> selected = cases.stream().map(BenchmarkCase::byLetter).toList();
        BenchmarkSettings settings = new BenchmarkSettings(rows, writerRate, writerThreads, flatOutThreads, selected,
                chunkSize, java.time.Duration.ofSeconds(caseLimitSeconds));
        out.printf("Umbra benchmark, %s%n", Instant.now());
        out.printf("Machine: %d cores, %s memory, JVM heap limit %d MB, Java %s%n",
                Runtime.getRuntime().availableProcessors(), memory(), HeapMeter.maxBytes() >> 20,
                System.getProperty("java.version"));
        out.printf("Servers: InnoDB buffer pool %,d MB%n", bufferPoolMb);
        out.printf("Table: %,d rows; ALTER: %s; steady writer %,d ops/s on %d threads; flat-out writer %d threads%n%n",
                rows, BenchmarkRun.ALTER, writerRate, writerThreads, flatOutThreads);
        // The ALTER grammar (Debezium's MySqlParser, ANTLR) builds its tables on first use: seconds,
        // once per JVM. Paid here, untimed, so that the first Umbra case does not carry it alone.
        long warmUp = System.nanoTime();
        AlterParser.parse("t", BenchmarkRun.ALTER);
        out.printf("ALTER parser warm-up (once per JVM, not in any case's time): %.1f s%n%n",
                (System.nanoTime() - warmUp) / 1e9);
        boolean allCorrect = true;
        for (String id : flavors) {
            Flavor flavor = Flavor.byId(id.trim());
            DatabaseServer server = SharedServers.get(flavor, ServerOptions.defaults().withArguments(
                    List.of("--innodb-buffer-pool-size=" + bufferPoolMb + "M")));
            String schema = "umbra_bench";
            server.executeAsRoot("DROP DATABASE IF EXISTS `" + schema + "`", "CREATE DATABASE `" + schema + "`");
            String version = version(server, schema);
            out.printf("## %s (%s)%n", flavor.displayName(), version);
            out.printf("  load before: %s%n", load());
            List<CaseResult> results = new BenchmarkRun(server, schema, settings, System.err).run();
            out.printf("  load after:  %s%n%n", load());
            out.print(ResultTable.markdown(results));
            out.println();
            for (CaseResult result : results) {
                allCorrect &= result.verdict().correct();
                for (String note : result.notes()) {
                    out.printf("- (%s) %s%n", result.benchmarkCase().letter(), note);
                }
            }
            ResultTable.idleAgainstPtOsc(results).ifPresent(out::println);
            out.println();
            server.executeAsRoot("DROP DATABASE IF EXISTS `" + schema + "`");
        }
        out.println(allCorrect ? "Every case's table equals its control table." : "SOME CASE LOST OR CHANGED ROWS: see the verdicts.");
        return allCorrect ? 0 : 1;
    }

    private static String version(DatabaseServer server, String schema) throws SQLException {
        try (Connection connection = server.connect(schema); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT VERSION()")) {
            row.next();
            return row.getString(1);
        }
    }

    /** The load averages over 1, 5 and 15 minutes, as uptime prints them. */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(", ", Arrays.copyOf(parts, 3));
        } catch (IOException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return (kb >> 20) + " GB";
                }
            }
        } catch (IOException | NumberFormatException e) {
            // reported as unknown
        }
        return "unknown";
    }

}
