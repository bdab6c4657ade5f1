package dev.umbra.playground;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Annotations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a newcomer runs it: the playground in its own JVM, from a checkout
 * in a deep folder (its servers' directories then lie more than 150 characters deep, past the Unix
 * socket limit that once made it exit 1 at once), ending with the table checked against the mirror;
 * with {@code --approve-plan}, so that the plan's approval and then the cut-over's are shown in order.
 */
class PlaygroundTest {

    @Test
    void thePlaygroundMigratesUnderWritesFromADeepCheckout() throws Exception {
        Path deep = Path.of("target", "a-checkout-in-a-deep-folder").toAbsolutePath();
        while (deep.toString().length() < 150) {
            deep = deep.resolve("like-a-users-workspace");
        }
        Path serversDir = deep.resolve("playground-servers");
        Path output = Files.createDirectories(deep).resolve("playground.out");
        Process playground = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dumbra.servers.dir=" + serversDir,
                "-Dlogback.configurationFile=playground-logback.xml",
                Playground.class.getName(),
                "--rows", "20000",
                "--approve-plan",
                "--example", Path.of("..", "examples", "add-column.yaml").toAbsolutePath().normalize().toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean ended = playground.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            playground.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(ended).as("the playground ended within 5 minutes:%n%s", printed).isTrue();
        assertThat(playground.exitValue()).as("exit code; output:%n%s", printed).isZero();
        assertThat(printed).contains("OK: the table has the new definition and every write is in it.");
        // the plan first, shown and approved while nothing exists on the server, then the cut-over
        assertThat(printed).containsSubsequence("AwaitingPlanApproval", "Plan        OnlineCopy by PRIMARY KEY (id)",
                Annotations.APPROVE_PLAN + "=true", "Copying", "AwaitingCutOver", Annotations.APPROVE_CUT_OVER + "=true",
                "Done");
        assertThat(printed).doesNotContain("socket file path is too long");
    }
}
