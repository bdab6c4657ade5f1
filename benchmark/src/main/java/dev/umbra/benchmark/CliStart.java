package dev.umbra.benchmark;

import dev.umbra.testkit.DatabaseServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Case (j): how long the {@code umbra} command line takes from a new JVM to a finished inspection,
 * as a user runs it ({@code java -jar umbra.jar migrate ...} without {@code --execute}: a dry run).
 * Each of {@value #RUNS} runs is its own process; the case's wall time is their median. The jar is
 * the one the build made (system property {@value #JAR_PROPERTY}).
 */
record CliStart(DatabaseServer server, String schema, String source, String alter, long rows) {

    static final String JAR_PROPERTY = "umbra.cli.jar";
    private static final int RUNS = 3;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    CaseResult run(MirrorVerdict.Sessions sessions) throws Exception {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "engine/target/umbra.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("case (j) runs the umbra CLI, but " + jar.toAbsolutePath() + " does not exist:"
                    + " build it (mvn -pl engine package -DskipTests) or set -D" + JAR_PROPERTY + "=PATH");
        }
        String table = "bench_cli_start";
        try (Connection connection = sessions.open()) {
            BenchmarkTable.copy(connection, source, table);
        }
        CpuMeter cpu = CpuMeter.start(server.pid());
        List<Duration> walls = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            walls.add(dryRun(jar, table));
        }
        Duration serverCpu = cpu.server();
        MirrorVerdict verdict = MirrorVerdict.compare(sessions, table, source, null, null);
        try (Connection connection = sessions.open()) {
            BenchmarkTable.drop(connection, table);
        }
        List<Duration> sorted = walls.stream().sorted(Comparator.naturalOrder()).toList();
        String each = walls.stream().map(wall -> String.format("%.2f s", wall.toMillis() / 1000.0))
                .collect(Collectors.joining(", "));
        return new CaseResult(BenchmarkCase.CLI_START, sorted.get(RUNS / 2), rows, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 0, Duration.ZERO, serverCpu, verdict, "CLI dry run",
                List.of("each run, from starting `java -jar` to its exit after the inspection (median in the table): " + each));
    }

    /** One dry run in a new JVM; fails unless it passed inspection. */
    private Duration dryRun(Path jar, String table) throws IOException, InterruptedException {
        Path output = Files.createTempFile("umbra-cli-start", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString(), "migrate", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--user", DatabaseServer.USER, "--database", schema, "--table", table, "--alter", alter,
                    "--no-instant-ddl").redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("UMBRA_PASSWORD", DatabaseServer.PASSWORD);
            long began = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the umbra CLI's dry run did not end within " + RUN_LIMIT.toSeconds() + " s");
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - began);
            String printed = Files.readString(output);
            if (process.exitValue() != 0 || !printed.contains("inspection passed")) {
                throw new IllegalStateException("the umbra CLI's dry run exited " + process.exitValue() + ":\n" + printed);
            }
            return wall;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
