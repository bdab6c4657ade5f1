package dev.umbra.engine.sql;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.HostName;
import dev.umbra.engine.tls.TlsFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Logs in to the server and sets a new session up as every engine session must be: driver
 * properties from validated values only (never user text in a URL), hostile driver features off,
 * UTC, Umbra's SQL mode, utf8mb4, READ COMMITTED, and the table's schema selected as data.
 */
final class SessionLogin {

    /** The longest a login may wait for any one answer from the server, the TCP connect included. */
    static final Duration LOGIN_SILENCE_LIMIT = Duration.ofSeconds(10);

    private final ConnectionSettings settings;
    private final String schema;
    private final DriverTlsFiles driverTls;

    /** @param schema the schema every session works in (already checked), or empty for none */
    SessionLogin(ConnectionSettings settings, String schema, DriverTlsFiles driverTls) {
        this.settings = settings;
        this.schema = schema;
        this.driverTls = driverTls;
    }

    /** A new session, logged in with {@code password}; {@code watch} ends a login that goes silent. */
    Connection open(String password, SilentSessionWatch watch) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", password);
        driverTls.apply(properties);
        properties.setProperty("characterEncoding", "UTF-8");
        properties.setProperty("connectTimeout", String.valueOf(LOGIN_SILENCE_LIMIT.toMillis()));
        // The greeting, the TLS handshake and the login have no statement for the watch to time:
        // a connection that goes silent there would wait for minutes (the server's or the
        // kernel's limit), holding whatever waits for it (a pool's only connection-adding thread).
        // Lifted once logged in: a statement may be slow on purpose, and the watch handles those.
        properties.setProperty("socketTimeout", String.valueOf(LOGIN_SILENCE_LIMIT.toMillis()));
        properties.setProperty("tcpKeepAlive", "true");
        // Values read back as keys must round-trip exactly: TINYINT(1) is a number, not a boolean
        // (a stored 5 would come back as true, then 1), and YEAR is a number, not a date.
        properties.setProperty("tinyInt1isBit", "false");
        properties.setProperty("yearIsDateType", "false");
        // Driver features that read local files or deserialise objects a server sends, or run
        // several statements at once, are off whatever else is configured: a server that a hostile
        // spec points Umbra at must not be able to ask for the pod's files.
        properties.setProperty("allowLoadLocalInfile", "false");
        properties.setProperty("allowUrlInLocalInfile", "false");
        properties.setProperty("autoDeserialize", "false");
        properties.setProperty("allowMultiQueries", "false");
        // Every statement is timed, so that one whose connection went silent is found and ended.
        properties.setProperty("queryInterceptors", StatementInFlight.class.getName());
        // The URL holds only the validated host and port (ConnectionSettings): no database, no
        // parameters. The schema is selected after login, as data (COM_INIT_DB), never as URL text.
        String url = "jdbc:mysql://" + HostName.forUrl(settings.host()) + ":" + settings.port() + "/";
        Connection connection;
        try {
            connection = watch.watchWhileOpening(() -> DriverManager.getConnection(url, properties));
        } catch (SQLException e) {
            Optional<String> tlsReason = TlsFailure.explain(e, settings.tls(), settings.host() + ":" + settings.port());
            if (tlsReason.isPresent()) {
                throw new SQLNonTransientConnectionException(tlsReason.get(), e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
        try {
            if (!schema.isEmpty()) {
                connection.setCatalog(schema);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION time_zone = '+00:00', sql_mode = '" + Connections.SESSION_SQL_MODE + "'");
                statement.execute("SET NAMES utf8mb4");
            }
            // Locking reads in READ COMMITTED lock the rows they read and no gaps: the copy waits for
            // in-flight writers (what correctness needs) without blocking inserts between rows.
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            connection.setNetworkTimeout(Runnable::run, 0);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
