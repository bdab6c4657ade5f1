package dev.umbra.engine.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which server a session reached, as far as the server can tell: its {@code server_uuid} (MySQL
 * only; MariaDB has none), {@code server_id} and host name. An address can lead to another server
 * at any time (a failover, a DNS change, a server rebuilt in place); a migration that went on
 * there would read positions that mean nothing and drop tables that another run owns. A restart
 * of the same server keeps all three.
 */
public record ServerIdentity(Optional<String> serverUuid, long serverId, String hostname) {

    public static ServerIdentity read(Connection connection) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_uuid', 'server_id', 'hostname')")) {
            while (row.next()) {
                values.put(row.getString(1).toLowerCase(), row.getString(2));
            }
        }
        return new ServerIdentity(Optional.ofNullable(values.get("server_uuid")).filter(uuid -> !uuid.isEmpty()),
                Long.parseLong(values.getOrDefault("server_id", "0")), values.getOrDefault("hostname", ""));
    }

    /** Fails with {@link ServerChangedException} if the session's server is not this one. */
    public void check(Connection session, String address) throws SQLException {
        ServerIdentity found = read(session);
        if (!found.equals(this)) {
            throw new ServerChangedException(address, this, found);
        }
    }

    @Override
    public String toString() {
        return serverUuid.map(uuid -> "server_uuid " + uuid + ", ").orElse("") + "server_id " + serverId + ", host name "
                + (hostname.isEmpty() ? "(none)" : hostname);
    }
}
