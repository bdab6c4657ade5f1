package dev.umbra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No test server may outlive its JVM: not when the JVM is killed (no shutdown hook runs), and not
 * when even the watchdog is gone (the next run reaps it). MariaDB is used because it starts fastest.
 */
class OrphanCleanupTest {

    @Test
    void aKilledJvmTakesItsServerWithIt() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dumbra.servers.dir=" + SharedServers.instancesRoot().getParent(),
                ServerInChildJvm.class.getName())
                .redirectErrorStream(true)
                .start();
        String[] started;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            started = awaitStartedLine(out);
            child.destroyForcibly(); // SIGKILL: the child's shutdown hook cannot run
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        long serverPid = Long.parseLong(started[1]);
        Path dir = Path.of(started[2]);

        assertThat(awaitGone(serverPid, 10)).as("server pid %s still alive after its JVM was killed", serverPid).isTrue();
        assertThat(awaitDeleted(dir, 10)).as("data directory %s still there", dir).isTrue();
    }

    @Test
    void aServerWhoseOwnerAndWatchdogAreGoneIsReapedOnTheNextStart() throws Exception {
        DatabaseServer server = SharedServers.startPrivate(Flavor.MARIADB_11_4, ServerOptions.defaults());
        long serverPid = server.pid();
        Path dir = server.directory();
        // Pretend the owner died and its watchdog with it: pid 1 never matches the recorded JVM start.
        Files.writeString(dir.resolve("owner"), "1 0\n");

        List<String> reaped = Orphans.reap(SharedServers.instancesRoot());

        assertThat(reaped).anySatisfy(line -> assertThat(line).contains("pid " + serverPid));
        assertThat(awaitGone(serverPid, 10)).isTrue();
        assertThat(dir).doesNotExist();
        server.kill();
    }

    @Test
    void serversOfALiveOwnerAreLeftAlone() {
        DatabaseServer server = SharedServers.get(Flavor.MARIADB_11_4);

        Orphans.reap(SharedServers.instancesRoot());

        assertThat(server.isRunning()).isTrue();
        assertThat(server.directory()).isDirectory();
    }

    private static String[] awaitStartedLine(BufferedReader out) throws Exception {
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("STARTED ")) {
                return line.split(" ");
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("child JVM ended without starting a server:\n" + seen);
    }

    private static boolean awaitGone(long pid, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static boolean awaitDeleted(Path dir, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!Files.exists(dir)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
