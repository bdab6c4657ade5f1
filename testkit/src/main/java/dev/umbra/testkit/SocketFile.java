package dev.umbra.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a server's Unix socket file goes.
 *
 * <p>The kernel limits a Unix socket's path to 107 bytes, and mysqld and mariadbd refuse to start
 * with a longer {@code --socket} ("The socket file path is too long"). The instance directory lies
 * under the checkout, which users clone into deep folders ({@code ~/src/github.com/org/umbra}, CI
 * workspaces), so the socket stays beside the data only while that path fits; otherwise it goes to
 * a short per-user directory under {@code /tmp}, named after the instance directory so that
 * {@link Orphans} and the watchdog can remove it with the instance.
 */
final class SocketFile {

    /** The longest socket path the servers accept ({@code sizeof(sun_path) - 1} on Linux). */
    static final int MAX_PATH_BYTES = 107;
    private static final String SUFFIX = ".sock";

    private SocketFile() {
    }

    /** The socket for the server whose instance directory is {@code instanceDir}. */
    static Path forInstance(Path instanceDir) {
        Path beside = instanceDir.resolve("mysql" + SUFFIX);
        if (fits(beside)) {
            return beside;
        }
        Path outside = shortDirectory().resolve(instanceDir.getFileName() + SUFFIX);
        if (!fits(outside)) {
            throw new ServerStartException("No socket path of at most " + MAX_PATH_BYTES + " bytes is possible for "
                    + instanceDir + " (tried " + outside + "). Set -Dumbra.servers.sockets to a short directory.");
        }
        return outside;
    }

    /** The socket of an instance directory, if it was placed outside it; for clean-up of leftovers. */
    static Path outsideFor(Path instanceDir) {
        return shortDirectory().resolve(instanceDir.getFileName() + SUFFIX);
    }

    /** Removes a socket file that the server did not remove itself (it was killed), and MySQL 8's lock file. */
    static void deleteQuietly(Path socket) {
        for (Path file : new Path[] {socket, socket.resolveSibling(socket.getFileName() + ".lock")}) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: a stale socket file is harmless, the next server gets another name
            }
        }
    }

    static boolean fits(Path socket) {
        return socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES;
    }

    private static Path shortDirectory() {
        String configured = System.getProperty("umbra.servers.sockets");
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of("/tmp", "umbra-sockets-" + System.getProperty("user.name", "user"));
        try {
            if (!Files.isDirectory(dir)) {
                // Owner-only: another local user must not reach a test server through its socket.
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new ServerStartException("Could not create the directory for the test servers' sockets " + dir + ": "
                    + e.getMessage() + ". Set -Dumbra.servers.sockets to a short writable directory.", e);
        }
        return dir;
    }
}
