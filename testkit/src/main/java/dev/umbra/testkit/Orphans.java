package dev.umbra.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no test server outlives the JVM that started it.
 *
 * <p>Three layers, because a shutdown hook alone does not run when the JVM is killed:
 * the hook in {@link SharedServers}; a watchdog shell per server that kills it within half a
 * second of the owning JVM's death; and {@link #reap} at the first start in a JVM, which kills
 * servers whose owner is gone (a watchdog killed too, a reboot of the JVM's container) and
 * removes their directories.
 */
final class Orphans {

    private static final Logger log = LoggerFactory.getLogger(Orphans.class);
    private static final String OWNER_FILE = "owner";
    private static final Duration FRESH_DIRECTORY_AGE = Duration.ofMinutes(1);

    private Orphans() {
    }

    /** Records this JVM (pid and start time, which tells a reused pid apart) as the directory's owner. */
    static void markOwned(Path instanceDir) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        long startMillis = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        // Written aside and moved in, so that another JVM's reaper never reads half an owner.
        Path written = Files.writeString(instanceDir.resolve(OWNER_FILE + ".new"), self.pid() + " " + startMillis + "\n",
                StandardCharsets.UTF_8);
        Files.move(written, instanceDir.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    static Process startWatchdog(long serverPid, Path instanceDir, Path socket) {
        String script = "while kill -0 \"$0\" 2>/dev/null; do kill -0 \"$1\" 2>/dev/null || exit 0; sleep 0.5; done; "
                + "kill -9 \"$1\" 2>/dev/null; sleep 0.5; rm -rf \"$2\" \"$3\" \"$3.lock\"";
        try {
            return new ProcessBuilder("sh", "-c", script,
                    Long.toString(ProcessHandle.current().pid()), Long.toString(serverPid), instanceDir.toString(),
                    socket.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new ServerStartException("Could not start the watchdog for the test server (sh missing?): " + e.getMessage(), e);
        }
    }

    /** Kills leftover servers of dead owners and removes their directories; returns what was reaped. */
    static List<String> reap(Path instancesRoot) {
        List<String> reaped = new ArrayList<>();
        for (ServerProcess server : runningTestServers()) {
            Path instanceDir = server.dataDir().getParent();
            if (!ownerAlive(instanceDir)) {
                ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
                reaped.add("killed orphaned test server pid " + server.pid() + " (" + instanceDir + ")");
            }
        }
        if (Files.isDirectory(instancesRoot)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(instancesRoot)) {
                for (Path dir : dirs) {
                    if (Files.isDirectory(dir) && !ownerAlive(dir) && !justCreated(dir)) {
                        Distribution.deleteQuietly(dir);
                        SocketFile.deleteQuietly(SocketFile.outsideFor(dir));
                        reaped.add("removed leftover data directory " + dir);
                    }
                }
            } catch (IOException e) {
                log.warn("Could not list {} to reap leftovers: {}", instancesRoot, e.getMessage());
            }
        }
        reaped.forEach(line -> log.warn("Reaped: {}", line));
        return reaped;
    }

    private record ServerProcess(long pid, Path dataDir) {
    }

    /** mysqld/mariadbd processes whose data directory lies in some testkit instances directory. */
    private static List<ServerProcess> runningTestServers() {
        List<ServerProcess> servers = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : processes) {
                commandLine(proc).flatMap(Orphans::testServerDataDir)
                        .ifPresent(dataDir -> servers.add(new ServerProcess(Long.parseLong(proc.getFileName().toString()), dataDir)));
            }
        } catch (IOException e) {
            log.warn("Could not scan /proc for orphaned test servers: {}", e.getMessage());
        }
        return servers;
    }

    private static Optional<String[]> commandLine(Path proc) {
        try {
            byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
            return raw.length == 0 ? Optional.empty() : Optional.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | SecurityException e) {
            return Optional.empty(); // the process ended while we looked, or is not ours to read
        }
    }

    private static Optional<Path> testServerDataDir(String[] argv) {
        if (!(argv[0].endsWith("/mysqld") || argv[0].endsWith("/mariadbd"))) {
            return Optional.empty();
        }
        for (String arg : argv) {
            if (arg.startsWith("--datadir=")) {
                Path dataDir = Path.of(arg.substring("--datadir=".length()));
                Path instanceDir = dataDir.getParent();
                boolean ours = instanceDir != null && (Files.exists(instanceDir.resolve(OWNER_FILE))
                        || arg.contains("/umbra-servers/instances/"));
                return ours ? Optional.of(dataDir) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * A directory without an owner yet may be another JVM's (a parallel test fork) between
     * creating it and marking it; one older than a minute is a leftover.
     */
    private static boolean justCreated(Path instanceDir) {
        try {
            return !Files.exists(instanceDir.resolve(OWNER_FILE))
                    && Files.getLastModifiedTime(instanceDir).toInstant().isAfter(Instant.now().minus(FRESH_DIRECTORY_AGE));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean ownerAlive(Path instanceDir) {
        try {
            String[] owner = Files.readString(instanceDir.resolve(OWNER_FILE)).trim().split(" ");
            long pid = Long.parseLong(owner[0]);
            long startMillis = Long.parseLong(owner[1]);
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .map(handle -> handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == startMillis)
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false; // no readable owner: nobody can be using it
        }
    }
}
