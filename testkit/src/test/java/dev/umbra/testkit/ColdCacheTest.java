package dev.umbra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a new machine the server cache is empty and the build's test forks start together. Two JVMs
 * preparing the same empty cache at once used to collide: both unpacked and initialised, and the
 * slower one's publish failed with "Directory not empty".
 */
class ColdCacheTest {

    @TempDir
    Path cache;

    @Test
    void twoJvmsPreparingAnEmptyCacheAtOnceBothGetWorkingServerFiles() throws Exception {
        String flavors = Flavor.selected().stream().map(Flavor::id).collect(Collectors.joining(","));
        Path go = cache.getParent().resolve(cache.getFileName() + ".go");
        List<Process> children = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path output = cache.getParent().resolve(cache.getFileName() + ".child-" + i + ".log");
            outputs.add(output);
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    PrepareCacheInChildJvm.class.getName(), cache.toString(), go.toString(), flavors)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start());
        }
        // Both JVMs are up and waiting before either starts, so they reach the empty cache together.
        awaitLine(outputs, "WAITING", 60);
        Files.createFile(go);
        try {
            for (int i = 0; i < 2; i++) {
                assertThat(children.get(i).waitFor(240, TimeUnit.SECONDS)).as("child %s finished", i).isTrue();
                assertThat(children.get(i).exitValue()).as("child %s:%n%s", i, Files.readString(outputs.get(i))).isZero();
            }
        } finally {
            children.forEach(Process::destroyForcibly);
            Files.deleteIfExists(go);
        }

        for (Path output : outputs) {
            for (Flavor flavor : Flavor.selected()) {
                assertThat(Files.readString(output)).contains("PREPARED " + flavor.id() + " "
                        + cache.resolve(flavor.id() + "-datadir-template").resolve("data"));
            }
            Files.deleteIfExists(output);
        }
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries.map(path -> path.getFileName().toString()))
                    .as("no staging directory is left behind")
                    .noneMatch(name -> name.contains(".staging-"));
        }
        for (Flavor flavor : Flavor.selected()) {
            assertThat(cache.resolve(flavor.id() + "-datadir-template").resolve("data").resolve("mysql")).isDirectory();
        }
    }

    private static void awaitLine(List<Path> outputs, String line, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Path output : outputs) {
                all &= Files.exists(output) && Files.readString(output, StandardCharsets.UTF_8).contains(line);
            }
            if (all) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child JVMs did not start: " + outputs);
    }
}
