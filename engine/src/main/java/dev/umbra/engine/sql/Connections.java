package dev.umbra.engine.sql;

import dev.umbra.engine.plan.ConnectionSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens the engine's JDBC sessions, each set up the same way: UTC session time zone (TIMESTAMP
 * values are copied as stored, never shifted), a strict sql_mode that still allows zero dates
 * (values that do not fit fail loudly instead of being truncated) and keeps explicit zeros in
 * AUTO_INCREMENT columns, and utf8mb4.
 */
public final class Connections {

    /** Strict, but without NO_ZERO_DATE / NO_ZERO_IN_DATE, so zero dates already stored can be copied. */
    public static final String SESSION_SQL_MODE = "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

    /** Extra set-up for every session the engine opens (after Umbra's own). */
    @FunctionalInterface
    public interface SessionInitializer {
        void initialize(Connection connection) throws SQLException;
    }

    private final ConnectionSettings settings;
    private final String schema;
    private volatile SessionInitializer initializer = connection -> { };

    public Connections(ConnectionSettings settings, String schema) {
        this.settings = settings;
        this.schema = schema;
    }

    public void setSessionInitializer(SessionInitializer initializer) {
        this.initializer = initializer;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    public Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        // TLS when the server offers it; without TLS, MySQL 8's caching_sha2_password needs the
        // server's RSA key to send the password encrypted.
        properties.setProperty("sslMode", "PREFERRED");
        properties.setProperty("allowPublicKeyRetrieval", "true");
        properties.setProperty("characterEncoding", "UTF-8");
        properties.setProperty("connectTimeout", "10000");
        properties.setProperty("tcpKeepAlive", "true");
        // Values read back as keys must round-trip exactly: TINYINT(1) is a number, not a boolean
        // (a stored 5 would come back as true, then 1), and YEAR is a number, not a date.
        properties.setProperty("tinyInt1isBit", "false");
        properties.setProperty("yearIsDateType", "false");
        String url = "jdbc:mysql://" + settings.host() + ":" + settings.port() + "/" + schema;
        Connection connection = DriverManager.getConnection(url, properties);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION time_zone = '+00:00', sql_mode = '" + SESSION_SQL_MODE + "'");
                statement.execute("SET NAMES utf8mb4");
            }
            // Locking reads in READ COMMITTED lock the rows they read and no gaps: the copy waits for
            // in-flight writers (what correctness needs) without blocking inserts between rows.
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            initializer.initialize(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
