package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag files: postponing the cut-over and throttling, both held only while the file exists;
 * and the revert flag file, which swaps the tables back within the revert window.
 */
class CliFlagFilesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @EveryFlavor
    void postponeFlagFileHoldsTheCutOverUntilDeleted(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 500);
        Path flag = Files.createFile(dir.resolve("postpone.flag"));
        Path status = dir.resolve("status.json");

        CompletableFuture<UmbraCommand.Result> run = CompletableFuture.supplyAsync(() -> UmbraCommand.run(
                UmbraCommand.migrate(db, "t", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", "--execute",
                        "--postpone-cut-over-flag-file", flag.toString(), "--status-json", status.toString(),
                        "--status-interval-seconds", "1")));
        try {
            UmbraCommand.awaitStatus(status, WAIT, json -> json.get("phase").asText().equals("AwaitingCutOver"));
            Thread.sleep(1_500);
            JsonNode held = UmbraCommand.readJson(status);
            assertThat(held.get("phase").asText()).isEqualTo("AwaitingCutOver");
            assertThat(held.get("stage").asText()).isEqualTo("postponed by flag file");
            assertThat(held.get("rowsCopied").asLong()).isEqualTo(500);
            assertThat(TableContents.createStatement(db, "t")).doesNotContain("`status`");
            assertThat(run).isNotDone();
        } finally {
            Files.delete(flag);
        }
        UmbraCommand.Result result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("AwaitingCutOver 100.0% 500/").contains("(postponed by flag file)");
        assertThat(UmbraCommand.readJson(status).get("phase").asText()).isEqualTo("Done");
        assertThat(TableContents.createStatement(db, "t")).contains("`status` tinyint");
    }

    @EveryFlavor
    void throttleFlagFileHoldsTheCopyUntilDeleted(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 500);
        Path flag = Files.createFile(dir.resolve("throttle.flag"));
        Path status = dir.resolve("status.json");

        CompletableFuture<UmbraCommand.Result> run = CompletableFuture.supplyAsync(() -> UmbraCommand.run(
                UmbraCommand.migrate(db, "t", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", "--execute",
                        "--throttle-flag-file", flag.toString(), "--status-json", status.toString(),
                        "--status-interval-seconds", "1")));
        try {
            JsonNode throttled = UmbraCommand.awaitStatus(status, WAIT, json -> !json.get("throttleReason").isNull());
            assertThat(throttled.get("throttleReason").asText()).contains("throttle flag file").contains(flag.toString());
            assertThat(throttled.get("throttleKind").asText()).isEqualTo("EXTERNAL");
            Thread.sleep(1_500);
            JsonNode held = UmbraCommand.readJson(status);
            assertThat(held.get("phase").asText()).isIn("Inspecting", "Copying");
            assertThat(held.get("throttleReason").asText()).contains("throttle flag file");
            assertThat(held.get("rowsCopied").asLong()).isZero();
            assertThat(TableContents.tables(db)).contains("_t_gho").doesNotContain("_t_del");
            assertThat(run).isNotDone();
        } finally {
            Files.delete(flag);
        }
        UmbraCommand.Result result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("throttled: throttle flag file");
        assertThat(TableContents.rows(db, "t", UmbraCommand.COLUMNS)).hasSize(500);
        assertThat(TableContents.tables(db)).containsExactly("_t_del", "t");
    }

    @EveryFlavor
    void revertFlagFileSwapsTheTablesBackWithinTheWindow(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 500);
        String definitionBefore = TableContents.createStatement(db, "t").replaceAll(" AUTO_INCREMENT=\\d+", "");
        Path flag = dir.resolve("revert.flag");
        Path status = dir.resolve("status.json");

        CompletableFuture<UmbraCommand.Result> run = CompletableFuture.supplyAsync(() -> UmbraCommand.run(
                UmbraCommand.migrate(db, "t", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", "--execute",
                        "--revert-window", "10m", "--revert-flag-file", flag.toString(), "--status-json", status.toString(),
                        "--status-interval-seconds", "1")));
        JsonNode open = UmbraCommand.awaitStatus(status, WAIT, json -> json.get("phase").asText().equals("Done")
                && json.path("revert").path("reversible").asBoolean());
        assertThat(open.get("revert").get("until").asText()).isNotBlank();
        db.execute("INSERT INTO t (name, qty, status) VALUES ('after the cut-over', 1, 2)");
        Thread.sleep(1_500);
        assertThat(run).isNotDone();
        Files.createFile(flag);
        UmbraCommand.Result result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("Then the old table is kept in step for 10m; create " + flag)
                .contains("Done, revertible until").contains("Reverted: `t` has its old definition again");
        assertThat(UmbraCommand.readJson(status).get("phase").asText()).isEqualTo("Reverted");
        assertThat(TableContents.createStatement(db, "t").replaceAll(" AUTO_INCREMENT=\\d+", "")).isEqualTo(definitionBefore);
        assertThat(TableContents.rows(db, "t", UmbraCommand.COLUMNS)).hasSize(501).contains("501|after the cut-over|1");
        assertThat(TableContents.tables(db)).containsExactly("_t_gho", "t");
    }
}
