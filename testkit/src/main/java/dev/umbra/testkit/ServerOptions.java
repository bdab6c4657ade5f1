package dev.umbra.testkit;

/**
 * How a server is started, beyond what every test server has (binary log in ROW format with full
 * row images, a server id, the event scheduler on).
 *
 * @param gtid GTID mode on MySQL ({@code --gtid-mode=ON}); MariaDB always records GTIDs, so it
 *             ignores this
 */
public record ServerOptions(boolean gtid) {

    public static ServerOptions defaults() {
        return new ServerOptions(true);
    }

    public static ServerOptions withoutGtid() {
        return new ServerOptions(false);
    }
}
