package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code umbra revert}, from another process than the migrating one: the request goes through the
 * server, and the {@code umbra migrate} keeping the window makes the swap.
 */
class CliRevertTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @EveryFlavor
    void revertAsksTheMigratingProcessThroughTheServerToSwapBack(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 300);
        String definitionBefore = TableContents.createStatement(db, "t").replaceAll(" AUTO_INCREMENT=\\d+", "");
        UmbraCommand.Result tooEarly = UmbraCommand.run(revert(db));
        assertThat(tooEarly.exitCode()).as(tooEarly.toString()).isEqualTo(UmbraCli.EXIT_REFUSED);
        assertThat(tooEarly.err()).contains("Refused: no revert window is kept for `" + db.schema() + "`.`t`")
                .contains("Nothing was changed.");
        assertThat(tooEarly.all()).doesNotContain(db.password());

        Path status = dir.resolve("status.json");
        CompletableFuture<UmbraCommand.Result> migrate = CompletableFuture.supplyAsync(() -> UmbraCommand.run(
                UmbraCommand.migrate(db, "t", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", "--execute",
                        "--revert-window", "10m", "--status-json", status.toString(), "--status-interval-seconds", "1")));
        UmbraCommand.awaitStatus(status, WAIT, json -> json.path("revert").path("reversible").asBoolean());
        db.execute("INSERT INTO t (name, qty, status) VALUES ('in the window', 7, 3)");
        UmbraCommand.Result asked = UmbraCommand.run(revert(db));
        UmbraCommand.Result migrated = migrate.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(asked.exitCode()).as(asked.toString()).isZero();
        assertThat(asked.out()).contains("Asked for the revert of `" + db.schema() + "`.`t` (its window is open until");
        assertThat(migrated.exitCode()).as(migrated.toString()).isZero();
        assertThat(migrated.err()).contains("Reverted: `t` has its old definition again");
        JsonNode end = UmbraCommand.readJson(status);
        assertThat(end.get("phase").asText()).isEqualTo("Reverted");
        assertThat(TableContents.createStatement(db, "t").replaceAll(" AUTO_INCREMENT=\\d+", "")).isEqualTo(definitionBefore);
        assertThat(TableContents.rows(db, "t", UmbraCommand.COLUMNS)).hasSize(301).contains("301|in the window|7");

        UmbraCommand.Result afterwards = UmbraCommand.run(revert(db));
        assertThat(afterwards.exitCode()).isEqualTo(UmbraCli.EXIT_REFUSED);
    }

    private static String[] revert(TestDatabase db) {
        return new String[] {"revert", "--host", db.host(), "--port", Integer.toString(db.port()), "--user", db.user(),
                "--password", db.password(), "--database", db.schema(), "--table", "t"};
    }
}
