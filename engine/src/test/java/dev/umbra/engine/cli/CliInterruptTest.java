package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt (Ctrl-C, or a plain kill) aborts the migration, waits for the helper tables to be
 * dropped and ends the process with exit code 5. Runs the real {@code main} in a child JVM, since
 * only a JVM that is shutting down runs the hook.
 */
class CliInterruptTest {

    @TempDir
    Path dir;

    @EveryFlavor
    void interruptAbortsCleanlyWithExitCode5(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 500);
        String createBefore = TableContents.createStatement(db, "t");
        Path flag = Files.createFile(dir.resolve("postpone.flag"));
        Path status = dir.resolve("status.json");
        Path output = dir.resolve("output.txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UmbraCli.class.getName()));
        command.addAll(UmbraCommand.connection(db));
        command.addAll(List.of("--table", "t", "--alter", "ADD COLUMN c INT", "--execute",
                "--postpone-cut-over-flag-file", flag.toString(), "--status-json", status.toString(),
                "--status-interval-seconds", "1"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("UMBRA_PASSWORD", db.password());
        Process process = builder.start();
        try {
            UmbraCommand.awaitStatus(status, Duration.ofSeconds(60),
                    json -> json.get("phase").asText().equals("AwaitingCutOver"));
            process.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C (SIGINT)
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process ended").isTrue();
        } finally {
            process.destroyForcibly();
        }

        String printed = Files.readString(output);
        assertThat(process.exitValue()).as(printed).isEqualTo(UmbraCli.EXIT_ABORTED);
        assertThat(printed).contains("Interrupted: aborting").contains("Aborted (interrupted)").doesNotContain(db.password());
        assertThat(UmbraCommand.readJson(status).get("phase").asText()).isEqualTo("Aborted");
        assertThat(TableContents.tables(db)).containsExactly("t");
        assertThat(TableContents.createStatement(db, "t")).isEqualTo(createBefore);
    }
}
