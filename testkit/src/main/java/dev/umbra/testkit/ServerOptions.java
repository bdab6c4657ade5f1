package dev.umbra.testkit;

/**
 * How a server is started, beyond what every test server has (a server id, the event scheduler on).
 *
 * @param gtid   GTID mode on MySQL ({@code --gtid-mode=ON}); MariaDB always records GTIDs, so it
 *               ignores this
 * @param binlog the binary log in ROW format with full row images; off only for tests of what
 *               happens without one
 */
public record ServerOptions(boolean gtid, boolean binlog) {

    public static ServerOptions defaults() {
        return new ServerOptions(true, true);
    }

    public static ServerOptions withoutGtid() {
        return new ServerOptions(false, true);
    }

    public static ServerOptions withoutBinlog() {
        return new ServerOptions(false, false);
    }
}
