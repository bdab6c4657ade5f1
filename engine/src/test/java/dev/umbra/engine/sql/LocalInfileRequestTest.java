package dev.umbra.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.testing.FileRequestingServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that a hostile spec points Umbra at may answer any query with a LOCAL INFILE request
 * for a file of its choosing (the pod's service-account token, say). Umbra's sessions never send a
 * byte of it, whatever else is configured.
 */
class LocalInfileRequestTest {

    @TempDir
    Path dir;

    @Test
    void umbrasSessionsSendNoByteOfARequestedFile() throws Exception {
        byte[] secret = ("token-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("token"), secret);
        try (FileRequestingServer server = new FileRequestingServer(file.toString());
             Connections connections = new Connections(new ConnectionSettings("127.0.0.1", server.port(), "umbra", "x"), "shop")) {
            assertThatThrownBy(() -> {
                try (Connection session = connections.open(); Statement statement = session.createStatement()) {
                    statement.execute("SELECT 1");
                }
            }).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connections.borrow().close()).isInstanceOf(SQLException.class);

            assertThat(server.requestSent()).as("the server got to ask for the file").isTrue();
            assertThat(FileRequestingServer.contains(server.receivedAfterRequest(), secret))
                    .as("bytes of the file reached the server").isFalse();
        }
    }

    /** The same server gets the file from a driver that allows LOCAL INFILE: the test above can fail. */
    @Test
    void aDriverThatAllowsLocalInfileSendsTheFile() throws Exception {
        byte[] secret = ("token-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("token"), secret);
        try (FileRequestingServer server = new FileRequestingServer(file.toString())) {
            Properties properties = new Properties();
            properties.setProperty("user", "umbra");
            properties.setProperty("password", "x");
            properties.setProperty("sslMode", "DISABLED");
            properties.setProperty("allowLoadLocalInfile", "true");
            try (Connection session = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + server.port() + "/", properties);
                 Statement statement = session.createStatement()) {
                statement.execute("SELECT 1");
            } catch (SQLException expected) {
                // the fake server's answers after the file are not what the driver wants; the file went anyway
            }

            assertThat(FileRequestingServer.contains(server.receivedAfterRequest(), secret)).isTrue();
        }
    }
}
