package dev.umbra.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of this JVM: one shared server per flavor and options, started on first use and
 * reused by every test (each test gets its own schema), plus private servers that tests start for
 * themselves (replicas, servers a test restarts or crashes). All die with the JVM.
 */
public final class SharedServers {

    private static final Logger log = LoggerFactory.getLogger(SharedServers.class);

    private static final Map<String, DatabaseServer> SHARED = new HashMap<>();
    private static final Map<String, ServerStartException> FAILED = new HashMap<>();
    private static final Map<Flavor, Distribution> DISTRIBUTIONS = new EnumMap<>(Flavor.class);
    private static final Set<DatabaseServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static boolean initialised;

    private SharedServers() {
    }

    /** The shared server of this flavor with default options, started if needed. */
    public static DatabaseServer get(Flavor flavor) {
        return get(flavor, ServerOptions.defaults());
    }

    /**
     * The shared server of this flavor and options. A flavor that failed to start fails again at
     * once with the same message, rather than making every test wait for the timeout.
     */
    public static synchronized DatabaseServer get(Flavor flavor, ServerOptions options) {
        String key = flavor.id() + "/" + options;
        ServerStartException failure = FAILED.get(key);
        if (failure != null) {
            throw new ServerStartException(failure.getMessage(), failure);
        }
        DatabaseServer server = SHARED.get(key);
        if (server != null && server.isRunning()) {
            return server;
        }
        try {
            server = startPrivate(flavor, options);
        } catch (ServerStartException e) {
            FAILED.put(key, e);
            throw e;
        }
        SHARED.put(key, server);
        return server;
    }

    /** A new server that the caller owns (and may stop, crash or restart); killed at JVM exit. */
    public static DatabaseServer startPrivate(Flavor flavor, ServerOptions options) {
        Distribution distribution;
        synchronized (SharedServers.class) {
            initialiseOnce();
            distribution = DISTRIBUTIONS.computeIfAbsent(flavor, f -> new Distribution(f, Distribution.defaultCacheRoot()));
        }
        long began = System.nanoTime();
        DatabaseServer server = DatabaseServer.start(distribution, options, instancesRoot());
        RUNNING.add(server);
        log.info("Started {} (server id {}, {}) in {} ms; the process took {} ms to accept logins",
                server, server.serverId(), options, (System.nanoTime() - began) / 1_000_000,
                server.lastStartDuration().toMillis());
        return server;
    }

    /** Where data directories go: {@code -Dumbra.servers.dir}/instances, by default under target/. */
    public static Path instancesRoot() {
        String configured = System.getProperty("umbra.servers.dir");
        Path root = configured == null || configured.isBlank() ? Path.of("target", "umbra-servers") : Path.of(configured);
        return root.toAbsolutePath().resolve("instances");
    }

    static void forget(DatabaseServer server) {
        RUNNING.remove(server);
    }

    private static void initialiseOnce() {
        if (initialised) {
            return;
        }
        initialised = true;
        Orphans.reap(instancesRoot());
        Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::killAll, "umbra-testkit-shutdown"));
    }

    private static void killAll() {
        // Throwaway data: kill rather than shut down, so a primary does not wait for its replicas.
        List<DatabaseServer> servers = new ArrayList<>(RUNNING);
        servers.forEach(DatabaseServer::kill);
    }
}
