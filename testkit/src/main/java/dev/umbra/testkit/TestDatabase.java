package dev.umbra.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh, empty schema on the shared server of one flavor, for one test. The server and the
 * schema are created on first use, so that a flavor that cannot start fails its own tests (with
 * the reason) and not the others. Closing it drops the schema.
 */
public final class TestDatabase implements AutoCloseable {

    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Flavor flavor;
    private final ServerOptions options;
    private DatabaseServer server;
    private String schema;

    public TestDatabase(Flavor flavor) {
        this(flavor, ServerOptions.defaults());
    }

    public TestDatabase(Flavor flavor, ServerOptions options) {
        this.flavor = flavor;
        this.options = options;
    }

    /**
     * A fresh schema on a server the test started itself ({@link SharedServers#startPrivate}), for
     * tests that restart, crash or replicate from their server.
     */
    public static TestDatabase on(DatabaseServer server) {
        TestDatabase db = new TestDatabase(server.flavor(), server.options());
        db.server = server;
        return db;
    }

    /**
     * The schema {@code schema} created on {@code server}: another server that holds a database of
     * the same name, as a server rebuilt in place or a failover target does.
     */
    public static TestDatabase sameSchemaOn(DatabaseServer server, String schema) {
        server.executeAsRoot("CREATE DATABASE `" + schema + "`");
        TestDatabase db = new TestDatabase(server.flavor(), server.options());
        db.server = server;
        db.schema = schema;
        return db;
    }

    /** A schema that already exists on {@code server}, e.g. replicated there from its primary. */
    public static TestDatabase existingSchemaOn(DatabaseServer server, String schema) {
        TestDatabase db = new TestDatabase(server.flavor(), server.options());
        db.server = server;
        db.schema = schema;
        return db;
    }

    public Flavor flavor() {
        return flavor;
    }

    public synchronized DatabaseServer server() {
        if (server == null) {
            server = SharedServers.get(flavor, options);
        }
        return server;
    }

    /** The schema's name; creating it (and starting the server) on first use. */
    public synchronized String schema() {
        if (schema == null) {
            String name = "umbra_test_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
            server().executeAsRoot("CREATE DATABASE `" + name + "`");
            schema = name;
        }
        return schema;
    }

    public String host() {
        return server().host();
    }

    public int port() {
        return server().port();
    }

    public String user() {
        return DatabaseServer.USER;
    }

    public String password() {
        return DatabaseServer.PASSWORD;
    }

    public String jdbcUrl() {
        return server().jdbcUrl(schema());
    }

    /** A connection as the non-root test user, with this schema as the default. */
    public Connection connect() throws SQLException {
        return server().connect(schema());
    }

    /** Runs statements in this schema as the test user. */
    public void execute(String... statements) {
        String current = "opening a session";
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                current = sql;
                statement.execute(sql);
            }
        } catch (SQLException e) {
            // which statement failed matters when several run: a flake is diagnosed from this line alone
            throw new IllegalStateException("On " + flavor + ", " + current + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (schema != null && server != null && server.isRunning()) {
            server.executeAsRoot("DROP DATABASE IF EXISTS `" + schema + "`");
        }
        schema = null;
    }

    @Override
    public String toString() {
        return flavor.id();
    }
}
