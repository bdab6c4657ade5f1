package dev.umbra.benchmark;

import dev.umbra.testkit.DatabaseServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Case (k): Percona's {@code pt-online-schema-change} (triggers, chunked copy, no checksum) on the
 * same table with the same ALTER, idle, with its defaults, so that "faster than pt-osc" is measured
 * in the same run as Umbra's case (b) and not taken from elsewhere.
 *
 * <p>The tool is Debian's {@code percona-toolkit} package ({@code scripts/benchmark} and {@code
 * scripts/test} install it). Its 3.2.1 refuses every table on MySQL 8.0.14 to 8.0.17, with or
 * without foreign keys: the check for a MySQL bug about renaming tables with foreign keys forgets to
 * ask whether the table has any. The case runs a copy of the script with that one condition added
 * (see {@link #withForeignKeyCheckFixed}); nothing else of it is changed. The password reaches it
 * in an options file only the user can read, never on its command line.
 */
record PtOnlineSchemaChange(DatabaseServer server, String schema, String source, String alter, long rows) {

    static final String COMMAND = "pt-online-schema-change";
    private static final Duration RUN_LIMIT = Duration.ofMinutes(30);
    private static final String UNCONDITIONAL_CHECK = "if (($vp->cmp('8.0.14') >= 0";
    private static final String CHECK_WITH_FOREIGN_KEYS = "if ($have_child_tables && ($vp->cmp('8.0.14') >= 0";

    CaseResult run(MirrorVerdict.Sessions sessions) throws Exception {
        Path installed = installedScript();
        String table = "bench_pt_osc";
        try (Connection connection = sessions.open()) {
            BenchmarkTable.copy(connection, source, table);
        }
        Path directory = Files.createTempDirectory("umbra-bench-pt-osc");
        try {
            Path script = withForeignKeyCheckFixed(installed, directory.resolve(COMMAND));
            Path options = directory.resolve("client.cnf");
            Files.writeString(options, "[client]\npassword=" + DatabaseServer.PASSWORD + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(options, PosixFilePermissions.fromString("rw-------"));
            Path output = directory.resolve("output.txt");
            String dsn = "F=" + options + ",h=" + server.host() + ",P=" + server.port() + ",u=" + DatabaseServer.USER
                    + ",D=" + schema + ",t=" + table;
            ProcessBuilder command = new ProcessBuilder("perl", script.toString(), "--alter", alter, "--execute", dsn)
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            CpuMeter cpu = CpuMeter.start(server.pid());
            long began = System.nanoTime();
            Process process = command.start();
            if (!process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(COMMAND + " did not end within " + RUN_LIMIT.toMinutes() + " minutes");
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - began);
            Duration serverCpu = cpu.server();
            String printed = Files.readString(output);
            if (process.exitValue() != 0 || !printed.contains("Successfully altered")) {
                throw new IllegalStateException(COMMAND + " exited " + process.exitValue() + ":\n" + printed);
            }
            MirrorVerdict verdict = MirrorVerdict.compare(sessions, table, source, "e", "0");
            try (Connection connection = sessions.open()) {
                BenchmarkTable.drop(connection, table);
            }
            return new CaseResult(BenchmarkCase.PT_OSC, wall, rows, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), 0, Duration.ZERO, serverCpu, verdict, "triggers (" + version(installed) + ")",
                    List.of("pt-online-schema-change with its defaults (no checksum), from its start to its exit"));
        } finally {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    /** The script on the PATH, or a clear error saying how to get it. */
    static Path installedScript() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, COMMAND);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("case (k) runs " + COMMAND + ", which is not on the PATH: install Debian's"
                + " percona-toolkit (apt-get install percona-toolkit), or leave case k out (--cases)");
    }

    /** A copy of {@code installed} at {@code copy} whose MySQL 8.0.14-8.0.17 check applies only to tables with foreign keys. */
    static Path withForeignKeyCheckFixed(Path installed, Path copy) throws IOException {
        String text = Files.readString(installed, StandardCharsets.ISO_8859_1);
        Files.writeString(copy, text.replace(UNCONDITIONAL_CHECK, CHECK_WITH_FOREIGN_KEYS), StandardCharsets.ISO_8859_1);
        return copy;
    }

    private static String version(Path installed) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("perl", installed.toString(), "--version").redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor(30, TimeUnit.SECONDS);
        return printed.isEmpty() ? COMMAND : printed;
    }
}
