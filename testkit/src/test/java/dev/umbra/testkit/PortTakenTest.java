package dev.umbra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Test JVMs pick free ports on their own, so two of them can be handed the same one: the server
 * started second cannot bind it, while the first answers there with the same root login. A
 * harness that took that answer for its own server ran tests on the other JVM's server and
 * crashed it in their place (a ReconnectTest run "restarted" MySQL 8.0 in 0.0 s, and its tables
 * were gone). The harness must notice.
 */
class PortTakenTest {

    @EveryFlavor
    void aServerComingBackOnAPortAnotherServerTookFailsInsteadOfUsingTheOther(TestDatabase db) throws Exception {
        try (DatabaseServer crashed = SharedServers.startPrivate(db.flavor(), db.server().options())) {
            int port = crashed.port();
            crashed.crash();
            try (TcpProxy other = TcpProxy.on(port, db.host(), db.port())) {
                assertThatThrownBy(crashed::startAgain).isInstanceOf(ServerStartException.class)
                        .hasMessageContaining("could not listen on 127.0.0.1:" + port)
                        .hasMessageContaining("the port was taken by another server");
                assertThat(crashed.isRunning()).as("the server that could not listen is not left running").isFalse();
            }
            crashed.startAgain();
            try (Connection connection = crashed.connectAsRoot(); Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT @@socket")) {
                row.next();
                assertThat(row.getString(1)).as("its own server once the port is free").isEqualTo(crashed.socket().toString());
            }
        }
    }
}
