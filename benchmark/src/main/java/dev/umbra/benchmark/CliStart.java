package dev.umbra.benchmark;

import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.FileTree;
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
 * Case (j): how long the {@code umbra} command line takes from a new JVM to a finished inspection
 * ({@code migrate ...} without {@code --execute}: a dry run), as the docs tell users to run it:
 * through {@code bin/umbra}, which starts the JVM from a class-data-sharing archive that its first
 * run on a machine records. The archive is recorded here first, in a directory of this run's own,
 * and that first run's time is reported; then {@value #RUNS} runs through the launcher and
 * {@value #RUNS} plain {@code java -jar} runs alternate, each its own process. The case's wall time
 * is the launcher's median. The jar is the one the build made (system property
 * {@value #JAR_PROPERTY}), the launcher {@value #LAUNCHER_PROPERTY}.
 */
record CliStart(DatabaseServer server, String schema, String source, String alter, long rows) {

    static final String JAR_PROPERTY = "umbra.cli.jar";
    static final String LAUNCHER_PROPERTY = "umbra.cli.launcher";
    private static final int RUNS = 3;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    CaseResult run(MirrorVerdict.Sessions sessions) throws Exception {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "engine/target/umbra.jar"));
        Path launcher = Path.of(System.getProperty(LAUNCHER_PROPERTY, "bin/umbra"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("case (j) runs the umbra CLI, but " + jar.toAbsolutePath() + " does not exist:"
                    + " build it (mvn -pl engine package -DskipTests) or set -D" + JAR_PROPERTY + "=PATH");
        }
        if (!Files.isRegularFile(launcher)) {
            throw new IllegalStateException("case (j) runs the umbra CLI through its launcher, but " + launcher.toAbsolutePath()
                    + " does not exist: set -D" + LAUNCHER_PROPERTY + "=PATH (bin/umbra in the repository)");
        }
        String table = "bench_cli_start";
        try (Connection connection = sessions.open()) {
            BenchmarkTable.copy(connection, source, table);
        }
        Path archives = Files.createTempDirectory("umbra-cds");
        CpuMeter cpu = CpuMeter.start(server.pid());
        List<Duration> launched = new ArrayList<>();
        List<Duration> plain = new ArrayList<>();
        Duration recording;
        try {
            List<String> viaLauncher = List.of("sh", launcher.toString());
            recording = dryRun(viaLauncher, jar, archives, table);
            if (!hasArchive(archives)) {
                throw new IllegalStateException("the first run through " + launcher + " recorded no archive in " + archives);
            }
            List<String> plainJava = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
            for (int run = 1; run <= RUNS; run++) {
                launched.add(dryRun(viaLauncher, jar, archives, table));
                plain.add(dryRun(plainJava, jar, archives, table));
            }
        } finally {
            FileTree.deleteRecursively(archives);
        }
        Duration serverCpu = cpu.server();
        MirrorVerdict verdict = MirrorVerdict.compare(sessions, table, source, null, null);
        try (Connection connection = sessions.open()) {
            BenchmarkTable.drop(connection, table);
        }
        return new CaseResult(BenchmarkCase.CLI_START, median(launched), rows, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 0, Duration.ZERO, serverCpu, verdict, "CLI dry run",
                List.of(String.format("each run from starting the process to its exit after the inspection: through %s (median in the"
                        + " table) %s; plain `java -jar` %s, median %.2f s (%.2f× the launcher's); the launcher's first run,"
                        + " which recorded the class-data-sharing archive, %.2f s", launcher.getFileName(), seconds(launched),
                        seconds(plain), median(plain).toMillis() / 1000.0,
                        (double) median(plain).toNanos() / median(launched).toNanos(), recording.toMillis() / 1000.0)));
    }

    private static Duration median(List<Duration> walls) {
        return walls.stream().sorted(Comparator.naturalOrder()).toList().get(walls.size() / 2);
    }

    private static String seconds(List<Duration> walls) {
        return walls.stream().map(wall -> String.format("%.2f s", wall.toMillis() / 1000.0)).collect(Collectors.joining(", "));
    }

    private static boolean hasArchive(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".jsa")
                    || file.getFileName().toString().endsWith(".part"));
        }
    }

    /** One dry run in a new process ({@code command} then the CLI's arguments); fails unless it passed inspection. */
    private Duration dryRun(List<String> command, Path jar, Path archives, String table) throws IOException, InterruptedException {
        Path output = Files.createTempFile("umbra-cli-start", ".txt");
        try {
            List<String> arguments = new ArrayList<>(command);
            arguments.addAll(List.of("migrate", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--user", DatabaseServer.USER, "--database", schema, "--table", table, "--alter", alter, "--no-instant-ddl"));
            ProcessBuilder builder = new ProcessBuilder(arguments).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("UMBRA_JAR", jar.toString());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("UMBRA_CDS_DIR", archives.toString());
            builder.environment().remove("JAVA_OPTS");
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
