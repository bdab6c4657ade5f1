package dev.umbra.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * How a server is started, beyond what every test server has (a server id, the event scheduler on).
 *
 * @param gtid      GTID mode on MySQL ({@code --gtid-mode=ON}); MariaDB always records GTIDs, so it
 *                  ignores this
 * @param binlog    the binary log in ROW format with full row images; off only for tests of what
 *                  happens without one
 * @param arguments further server options, given after the harness's own (so they win), such as
 *                  {@link TestCertificates#serverArguments()}
 * @param timeZone  the server's system time zone (the {@code TZ} of its process, which
 *                  {@code time_zone = SYSTEM} follows, daylight saving included), or empty for UTC
 */
public record ServerOptions(boolean gtid, boolean binlog, List<String> arguments, String timeZone) {

    public ServerOptions {
        arguments = List.copyOf(arguments);
        timeZone = timeZone == null ? "" : timeZone;
    }

    public ServerOptions(boolean gtid, boolean binlog) {
        this(gtid, binlog, List.of(), "");
    }

    public static ServerOptions defaults() {
        return new ServerOptions(true, true);
    }

    public static ServerOptions withoutGtid() {
        return new ServerOptions(false, true);
    }

    public static ServerOptions withoutBinlog() {
        return new ServerOptions(false, false);
    }

    /** These options, and the server started with {@code more} server options too. */
    public ServerOptions withArguments(List<String> more) {
        List<String> all = new ArrayList<>(arguments);
        all.addAll(more);
        return new ServerOptions(gtid, binlog, all, timeZone);
    }

    /** These options, and the server's system time zone {@code zone} (an IANA name such as Europe/Berlin). */
    public ServerOptions inTimeZone(String zone) {
        return new ServerOptions(gtid, binlog, arguments, zone);
    }
}
