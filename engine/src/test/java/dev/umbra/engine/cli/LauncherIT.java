package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.testkit.FileTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/umbra}, the launcher the docs tell users to run: its first run records a
 * class-data-sharing archive of the CLI's classes, later runs start from it, and nothing about the
 * archive ever reaches the user's screen or stops a run (a rebuilt jar, a recording cut short).
 */
class LauncherIT {

    private static final Path JAR = Path.of(System.getProperty("umbra.cli.jar", "target/umbra.jar"));
    private static final Path LAUNCHER = Path.of(System.getProperty("umbra.cli.launcher", "../bin/umbra"));

    private Path archives;

    @BeforeEach
    void emptyArchiveDirectory() throws IOException {
        archives = Files.createTempDirectory("umbra-cds-test");
    }

    @AfterEach
    void deleteArchives() throws IOException {
        FileTree.deleteRecursively(archives);
    }

    @Test
    void theFirstRunRecordsAnArchiveThatLaterRunsStartFrom() throws Exception {
        Run first = launch(JAR, Map.of(), "--version");
        assertThat(first.exitCode()).as(first.printed()).isZero();
        assertThat(first.printed().strip()).isEqualTo("umbra " + version());
        assertThat(files()).singleElement().asString().matches(".*/umbra-\\d+\\.jsa\\.\\d+\\.part");

        // -Xshare:on: the JVM refuses to start rather than run without an archive.
        Run second = launch(JAR, Map.of("JAVA_OPTS", "-Xshare:on -Xlog:class+load=info"), "--version");
        assertThat(second.exitCode()).as(second.printed()).isZero();
        assertThat(second.printed()).as("the CLI's own classes come from the recorded archive")
                .contains("dev.umbra.engine.cli.UmbraCli source: shared objects file (top)");
        assertThat(files()).singleElement().asString().matches(".*/umbra-\\d+\\.jsa");
        Run third = launch(JAR, Map.of(), "--version");
        assertThat(third.printed()).isEqualTo(first.printed());
    }

    @Test
    void aRebuiltJarGetsAnArchiveOfItsOwnAndNoWarning() throws Exception {
        Path jar = Files.copy(JAR, archives.resolve("umbra.jar"));
        launch(jar, Map.of(), "--version");
        launch(jar, Map.of(), "--version");
        Path recorded = files().get(0);
        // As a new build leaves it: same path, other size and time. The old archive would not map.
        Files.write(jar, Files.readAllBytes(JAR));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));

        Run rebuilt = launch(jar, Map.of(), "--version");

        assertThat(rebuilt.exitCode()).isZero();
        assertThat(rebuilt.printed().strip()).as("no word about archives").isEqualTo("umbra " + version());
        assertThat(files()).hasSize(2).contains(recorded).anyMatch(file -> file.toString().endsWith(".part"));
    }

    @Test
    void anArchiveCutShortByAKillIsDeletedAndRecordedAgain() throws Exception {
        launch(JAR, Map.of(), "--version");
        Path recorded = files().get(0);
        byte[] whole = Files.readAllBytes(recorded);
        Path cutShort = archives.resolve(recorded.getFileName().toString().replaceAll("\\.\\d+\\.part$", ".999999999.part"));
        Files.write(cutShort, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.delete(recorded);

        Run next = launch(JAR, Map.of(), "--version");

        assertThat(next.exitCode()).as(next.printed()).isZero();
        assertThat(next.printed().strip()).isEqualTo("umbra " + version());
        assertThat(files()).as("the cut-short archive is gone, a whole one is being recorded").singleElement().asString()
                .endsWith(".part").doesNotContain(".999999999.");
        assertThat(launch(JAR, Map.of("JAVA_OPTS", "-Xshare:on"), "--version").exitCode()).isZero();
    }

    @Test
    void withoutArchivesOrWithoutAJarItSaysWhat() throws Exception {
        Run off = launch(JAR, Map.of("UMBRA_CDS", "off"), "--version");
        assertThat(off.exitCode()).isZero();
        assertThat(files()).isEmpty();

        Run missing = launch(archives.resolve("nowhere/umbra.jar"), Map.of(), "--version");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.printed()).contains("umbra.jar not found at " + archives.resolve("nowhere/umbra.jar"))
                .contains("mvn -B -ntp -pl engine -am package -DskipTests").contains("UMBRA_JAR");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(archives)) {
            return files.filter(file -> !file.getFileName().toString().equals("umbra.jar")).sorted().toList();
        }
    }

    private static String version() throws Exception {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(JAR.toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    private record Run(int exitCode, String printed) {
    }

    private Run launch(Path jar, Map<String, String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("umbra-launcher", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("UMBRA_JAR", jar.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("UMBRA_CDS_DIR", archives.toString());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("UMBRA_CDS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("bin/umbra " + String.join(" ", arguments) + " did not end within a minute");
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        return new Run(process.exitValue(), printed);
    }
}
