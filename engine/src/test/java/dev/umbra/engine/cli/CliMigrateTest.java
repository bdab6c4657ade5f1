package dev.umbra.engine.cli;

import static dev.umbra.engine.cli.UmbraCommand.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** {@code umbra migrate --execute}: the table gets the new definition and keeps every row. */
class CliMigrateTest {

    private static final int ROWS = 3_000;

    @TempDir
    Path dir;

    @EveryFlavor
    void executeMigratesTheTableAndKeepsTheOldOne(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, ROWS);
        List<String> before = TableContents.rows(db, "t", COLUMNS);

        UmbraCommand.Result result = UmbraCommand.run(UmbraCommand.migrate(db, "t",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", "--execute", "--chunk-size", "500"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("Done: `t` now has the new definition").contains("_t_del");
        assertThat(TableContents.createStatement(db, "t")).contains("`status` tinyint");
        assertThat(TableContents.rows(db, "t", COLUMNS)).hasSize(ROWS).isEqualTo(before);
        assertThat(TableContents.rows(db, "t", List.of("status"))).containsOnly("1");
        assertThat(TableContents.tables(db)).containsExactly("_t_del", "t");
        assertThat(result.all()).doesNotContain(db.password());
    }

    @EveryFlavor
    void okToDropTableDropsTheOldTable(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 500);

        UmbraCommand.Result result = UmbraCommand.run(UmbraCommand.migrate(db, "t", "ADD INDEX idx_qty (qty)",
                "--execute", "--ok-to-drop-table"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("the old table was dropped");
        assertThat(TableContents.tables(db)).containsExactly("t");
        assertThat(TableContents.createStatement(db, "t")).contains("KEY `idx_qty`");
    }

    @EveryFlavor
    void statusJsonEndsDoneWithoutThePassword(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 1_000);
        Path status = dir.resolve("status.json");

        UmbraCommand.Result result = UmbraCommand.run(UmbraCommand.migrate(db, "t", "ADD COLUMN note VARCHAR(10)",
                "--execute", "--status-json", status.toString(), "--status-interval-seconds", "1"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String text = Files.readString(status);
        assertThat(text).doesNotContain(db.password());
        JsonNode json = UmbraCommand.readJson(status);
        assertThat(json.get("phase").asText()).isEqualTo("Done");
        assertThat(json.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(json.get("rowsCopied").asLong()).isEqualTo(1_000);
        assertThat(json.get("cutOverAttempts").asInt()).isEqualTo(1);
        assertThat(json.get("lastLockMillis").isIntegralNumber()).isTrue();
        assertThat(json.get("verifyMillis").isIntegralNumber()).as("the checksum ran and its duration is reported").isTrue();
        assertThat(json.get("verifyRepairedChunks").asInt()).isZero();
        assertThat(json.get("message").asText()).startsWith("Done:");
        assertThat(json.get("throttleReason").isNull()).isTrue();
        assertThat(json.get("throttleKind").isNull()).isTrue();
        assertThat(json.get("replicaLagMillis").isEmpty()).as("no replica is watched").isTrue();
        assertThat(json.fieldNames()).toIterable().containsExactly("phase", "stage", "rowsCopied", "rowsEstimated",
                "percent", "etaSeconds", "eventsApplied", "applyBacklog", "secondsSinceLastApplied", "throttleReason",
                "throttleKind", "replicaLagMillis", "cutOverAttempts", "lastLockMillis", "verifyMillis", "verifyRepairedChunks", "message", "at", "checkpoint", "revert");
        assertThat(json.get("checkpoint").isNull()).as("Done: nothing is left to resume from").isTrue();
        assertThat(json.get("revert").isNull()).as("no revert window was asked for").isTrue();
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file is left behind").containsExactly(status);
        }
        assertThat(result.err()).contains("Copying").doesNotContain(db.password());
    }
}
