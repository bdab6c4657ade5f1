package dev.umbra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Users clone into deep folders ({@code ~/src/github.com/org/umbra}, CI workspaces). The servers'
 * Unix socket path is limited to 107 bytes, and the instance directory lies under the checkout:
 * with a 150-character checkout path every server used to abort at start.
 */
class DeepCheckoutTest {

    static List<Flavor> flavors() {
        return Flavor.selected();
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavors")
    void aServerStartsWhenItsDirectoryLiesUnderADeepCheckout(Flavor flavor) throws Exception {
        Path deepInstances = deepFolder(SharedServers.instancesRoot().getParent(), 150).resolve("instances");
        assertThat(deepInstances.toString().length()).isGreaterThanOrEqualTo(150);

        DatabaseServer server = DatabaseServer.start(new Distribution(flavor, Distribution.defaultCacheRoot()),
                ServerOptions.defaults(), deepInstances);
        Path socket = server.socket();
        try {
            assertThat(server.directory()).startsWith(deepInstances);
            assertThat(socket.toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SocketFile.MAX_PATH_BYTES);
            assertThat(socket).as("the server listens on its socket").exists();
            try (Connection connection = server.connect(""); Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT @@socket, @@datadir")) {
                row.next();
                assertThat(row.getString(1)).isEqualTo(socket.toString());
                assertThat(Path.of(row.getString(2))).isEqualTo(server.directory().resolve("data"));
            }
        } finally {
            server.kill();
        }
        assertThat(socket).as("a killed server's socket file is removed with its directory").doesNotExist();
        assertThat(server.directory()).doesNotExist();
    }

    /** A folder below {@code root} whose absolute path is at least {@code length} characters long. */
    static Path deepFolder(Path root, int length) {
        Path folder = root.toAbsolutePath().resolve("a-checkout-in-a-deep-folder");
        while (folder.toString().length() < length) {
            folder = folder.resolve("like-a-users-workspace");
        }
        return folder;
    }
}
