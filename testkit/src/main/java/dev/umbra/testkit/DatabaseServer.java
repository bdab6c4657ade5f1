package dev.umbra.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running MySQL or MariaDB server process on a free loopback port, with its own data directory
 * under the instances directory (normally {@code target/umbra-servers/instances}).
 *
 * <p>Every server has two accounts besides root: {@link #USER} with all privileges (what tests and
 * the engine connect as, with a real password, so MySQL 8's {@code caching_sha2_password} full
 * authentication path is exercised) and {@link #REPLICATION_USER} for replicas.
 *
 * <p>A watchdog shell process kills the server and removes its directory if this JVM dies without
 * running its shutdown hooks; {@link Orphans} reaps anything that still escaped on the next run.
 */
public final class DatabaseServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String USER = "umbra";
    public static final String PASSWORD = "umbra-test-Pa55";
    public static final String REPLICATION_USER = "repl";
    public static final String REPLICATION_PASSWORD = "umbra-repl-Pa55";

    private static final AtomicInteger NEXT_SERVER_ID = new AtomicInteger(1 + (int) (ProcessHandle.current().pid() % 1000) * 100);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Flavor flavor;
    private final ServerOptions options;
    private final Path baseDir;
    private final Path dir;
    private final Path socket;
    private final int serverId;
    private int port;
    private Process process;
    private Process watchdog;
    private Duration lastStartDuration;
    private long launchedAtNanos;

    private DatabaseServer(Flavor flavor, ServerOptions options, Path baseDir, Path dir, Path socket, int serverId) {
        this.flavor = flavor;
        this.options = options;
        this.baseDir = baseDir;
        this.dir = dir;
        this.socket = socket;
        this.serverId = serverId;
    }

    /** Starts a new server with a fresh data directory below {@code instancesRoot}. */
    static DatabaseServer start(Distribution distribution, ServerOptions options, Path instancesRoot) {
        Flavor flavor = distribution.flavor();
        Path baseDir = distribution.baseDir();
        Path template = distribution.templateDataDir();
        int serverId = NEXT_SERVER_ID.getAndIncrement();
        Path dir = instancesRoot.resolve(flavor.id() + "-" + serverId + "-" + Long.toHexString(System.nanoTime()));
        Path socket = SocketFile.forInstance(dir);
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Orphans.markOwned(dir);
            // A copied data directory must get a new server UUID, and must not carry binary logs.
            FileTree.copy(template, dir.resolve("data"), file -> {
                String name = file.getFileName().toString();
                return !name.equals("auto.cnf") && !name.startsWith("mysql-bin.");
            });
        } catch (IOException e) {
            Distribution.deleteQuietly(dir);
            throw new ServerStartException("Could not create the data directory " + dir + ": " + e.getMessage(), e);
        }
        DatabaseServer server = new DatabaseServer(flavor, options, baseDir, dir, socket, serverId);
        try {
            server.launchOnFreePort();
            server.createAccounts();
            return server;
        } catch (RuntimeException e) {
            server.kill();
            throw e;
        }
    }

    public Flavor flavor() {
        return flavor;
    }

    public ServerOptions options() {
        return options;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public int serverId() {
        return serverId;
    }

    public Path directory() {
        return dir;
    }

    /** The server's Unix socket file (beside the data, or in a short directory when that path is too long). */
    public Path socket() {
        return socket;
    }

    /** How long the last start took, from launching the process to accepting logins. */
    public Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** The server process id, while it runs. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A JDBC URL for {@code schema} (empty for none), without credentials. */
    public String jdbcUrl(String schema) {
        // sslMode=DISABLED + allowPublicKeyRetrieval: MySQL 8's caching_sha2_password then does its
        // full authentication over RSA, the path a production TLS-less setup takes.
        return "jdbc:mysql://" + HOST + ":" + port + "/" + schema
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&connectTimeout=5000";
    }

    public Connection connect(String schema) throws SQLException {
        return connect(schema, USER, PASSWORD);
    }

    public Connection connectAsRoot() throws SQLException {
        return connect("", "root", "");
    }

    private Connection connect(String schema, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(schema), properties);
    }

    /** Runs statements as root, for setting up servers and test fixtures. */
    public void executeAsRoot(String... statements) {
        try (Connection connection = connectAsRoot(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("On " + flavor + ": " + e.getMessage(), e);
        }
    }

    /** Ends every session of {@code user} (KILL), as a network cut or a restart would; returns how many. */
    public int killSessionsOf(String user) {
        try (Connection root = connectAsRoot();
             PreparedStatement find = root.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            find.setString(1, user);
            List<Long> ids = new ArrayList<>();
            try (ResultSet row = find.executeQuery()) {
                while (row.next()) {
                    ids.add(row.getLong(1));
                }
            }
            for (long id : ids) {
                try (Statement kill = root.createStatement()) {
                    kill.execute("KILL " + id);
                } catch (SQLException ended) {
                    // it ended between the look and the kill
                }
            }
            return ids.size();
        } catch (SQLException e) {
            throw new IllegalStateException("On " + flavor + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts another server of the same flavor and options that replicates from this one,
     * from the very beginning of this server's binary log, and waits until both replication
     * threads run.
     */
    public DatabaseServer startReplica() {
        DatabaseServer replica = SharedServers.startPrivate(flavor, options);
        try {
            replica.executeAsRoot(Replication.changeSourceStatements(this, replica).toArray(String[]::new));
            Replication.awaitRunning(replica, Duration.ofSeconds(60));
            return replica;
        } catch (RuntimeException e) {
            replica.kill();
            throw e;
        }
    }

    /** Stops the server gracefully, then starts it again on the same port and data directory. */
    public void restart() {
        stopProcess(Duration.ofSeconds(60));
        launch(port);
        awaitReady();
    }

    /** Kills the server process at once (as a crash would), keeping its data directory. */
    public void crash() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
    }

    /** Starts a crashed or stopped server again on the same port and data directory. */
    public void startAgain() {
        if (isRunning()) {
            throw new IllegalStateException(flavor + " on port " + port + " is still running");
        }
        launch(port);
        awaitReady();
    }

    /** Kills the process and removes the data directory. Safe to call more than once. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
        if (watchdog != null) {
            watchdog.destroyForcibly();
        }
        Distribution.deleteQuietly(dir);
        SocketFile.deleteQuietly(socket);
        SharedServers.forget(this);
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return flavor.displayName() + " on " + HOST + ":" + port;
    }

    private void launchOnFreePort() {
        ServerStartException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                launch(freePort());
                awaitReady();
                return;
            } catch (ServerStartException e) {
                last = e;
                boolean portTaken = e.getMessage().contains("port was taken");
                if (!portTaken) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private void launch(int chosenPort) {
        this.port = chosenPort;
        List<String> command = ServerCommands.start(flavor, options, baseDir, dir, socket, chosenPort, serverId);
        long started = System.nanoTime();
        try {
            Files.deleteIfExists(dir.resolve("error.log"));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()));
            builder.environment().put("TZ", options.timeZone().isEmpty() ? "UTC" : options.timeZone());
            process = builder.start();
        } catch (IOException e) {
            throw new ServerStartException("Could not run " + command.get(0) + ": " + e.getMessage(), e);
        }
        watchdog = Orphans.startWatchdog(process.pid(), dir, socket);
        launchedAtNanos = started;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException lastError = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw ServerCommands.explainFailure(flavor, "starting", serverOutput());
            }
            String answeredBy;
            try (Connection connection = connectAsRoot()) {
                answeredBy = socketOf(connection);
            } catch (SQLException e) {
                lastError = e;
                sleep(50);
                continue;
            }
            if (!socket.toString().equals(answeredBy)) {
                // Two test JVMs can be handed the same free port: the other's server listens on it,
                // and ours, unable to bind it, is exiting. Running a test on the other would mix
                // their data and crash or restart the wrong server.
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(30));
                throw new ServerStartException(flavor.displayName() + " could not listen on " + HOST + ":" + port
                        + ": the port was taken by another server (the one with socket " + answeredBy + ").");
            }
            lastStartDuration = Duration.ofNanos(System.nanoTime() - launchedAtNanos);
            return;
        }
        throw new ServerStartException(flavor.displayName() + " did not accept connections within "
                + START_TIMEOUT.toSeconds() + " s (last error: " + (lastError == null ? "none" : lastError.getMessage())
                + ").\n--- server output (last lines) ---\n" + ServerCommands.tail(serverOutput(), 40));
    }

    /** The Unix socket of the server a session reached: each instance has its own path. */
    private static String socketOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT @@socket")) {
            row.next();
            return row.getString(1);
        }
    }

    private void createAccounts() {
        List<String> statements = new ArrayList<>();
        // Accounts are local to each server: replicas create their own, so nothing here may be
        // written to the binary log (a replica would replay it over its own copy and stop).
        statements.add("SET SESSION sql_log_bin = 0");
        for (String host : anonymousAccountHosts()) {
            statements.add("DROP USER ''@'" + host + "'");
        }
        statements.add("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
        statements.add("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION");
        statements.add("CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + REPLICATION_PASSWORD + "'");
        statements.add("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + REPLICATION_USER + "'@'%'");
        executeAsRoot(statements.toArray(String[]::new));
    }

    private List<String> anonymousAccountHosts() {
        List<String> hosts = new ArrayList<>();
        try (Connection connection = connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT host FROM mysql.user WHERE user = ''")) {
            while (rows.next()) {
                hosts.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("On " + flavor + ": " + e.getMessage(), e);
        }
        return hosts;
    }

    private void stopProcess(Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(process, grace)) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
    }

    String serverOutput() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stdout.log", "error.log")) {
            Path file = dir.resolve(name);
            try {
                if (Files.exists(file)) {
                    text.append(Files.readString(file, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text.toString();
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ServerStartException("No free loopback port: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerStartException("Interrupted while waiting for the server to start", e);
        }
    }
}
