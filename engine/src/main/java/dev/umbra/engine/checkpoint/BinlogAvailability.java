package dev.umbra.engine.checkpoint;

import com.github.shyiko.mysql.binlog.MariadbGtidSet;
import dev.umbra.engine.binlog.BinlogPosition;
import dev.umbra.engine.sql.ServerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the server still has every binlog transaction after a saved position, so that a stream
 * started there misses nothing.
 *
 * <ul>
 *   <li>MySQL with GTIDs: the saved set is part of {@code gtid_executed} (the server has seen it;
 *       after a failover to a replica with the same history this holds too) and {@code gtid_purged}
 *       is part of the saved set (nothing after it was purged).</li>
 *   <li>MariaDB: per replication domain, the saved sequence number is at most the binlog's current
 *       one, and at least the one at the start of the oldest binary log still on the server (its
 *       Gtid_list event); on the server that saved it, the saved file must also still be there.</li>
 *   <li>Without GTIDs, file and offset mean something only on the server that wrote them: same
 *       server identity, and the file still listed by {@code SHOW BINARY LOGS} and long enough.</li>
 * </ul>
 */
public final class BinlogAvailability {

    private BinlogAvailability() {
    }

    /** What identifies the server whose binary log the coordinates belong to. */
    public static String serverIdentity(Connection connection, ServerInfo server) throws SQLException {
        String variable = server.mariaDb() ? "@@global.server_id" : "@@global.server_uuid";
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT " + variable)) {
            row.next();
            return (server.mariaDb() ? "server_id " : "server_uuid ") + row.getString(1);
        }
    }

    /** Why streaming from {@code saved} would miss transactions, or empty if it would not. */
    public static Optional<String> whyUnavailable(Connection connection, ServerInfo server, BinlogPosition saved,
                                                  String savedIdentity) throws SQLException {
        if (saved.hasGtids() && !server.mariaDb()) {
            return mysqlGtids(connection, saved.gtidSet());
        }
        String identity = serverIdentity(connection, server);
        if (saved.hasGtids()) {
            Optional<String> missing = mariaDbGtids(connection, saved.gtidSet());
            // On the same server the file must still be there too (a GTID position is found through it).
            return missing.isPresent() || !identity.equals(savedIdentity) ? missing : fileStillThere(connection, saved);
        }
        if (!identity.equals(savedIdentity)) {
            return Optional.of("the binlog coordinates were saved on another server (" + savedIdentity + ", this one has "
                    + identity + ") and, without GTIDs, mean nothing here");
        }
        return fileStillThere(connection, saved);
    }

    private static Optional<String> mysqlGtids(Connection connection, String saved) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT GTID_SUBSET(?, @@global.gtid_executed),"
                + " GTID_SUBSET(@@global.gtid_purged, ?), @@global.gtid_purged")) {
            statement.setString(1, saved);
            statement.setString(2, saved);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                if (row.getInt(1) != 1) {
                    return Optional.of("the server has not executed the saved GTID set " + saved
                            + " (was its binary log reset, or is this another server?)");
                }
                if (row.getInt(2) != 1) {
                    return Optional.of("the binary logs after the saved GTID set were purged (gtid_purged is "
                            + row.getString(3).replace("\n", "") + ")");
                }
                return Optional.empty();
            }
        }
    }

    private static Optional<String> mariaDbGtids(Connection connection, String saved) throws SQLException {
        Map<Long, Long> wanted = sequences(saved);
        Map<Long, Long> current;
        String oldestFile;
        try (Statement statement = connection.createStatement()) {
            try (ResultSet row = statement.executeQuery("SELECT @@global.gtid_binlog_pos")) {
                row.next();
                current = sequences(row.getString(1));
            }
            try (ResultSet row = statement.executeQuery("SHOW BINARY LOGS")) {
                oldestFile = row.next() ? row.getString(1) : null;
            }
        }
        for (Map.Entry<Long, Long> domain : wanted.entrySet()) {
            Long now = current.get(domain.getKey());
            if (now == null || now < domain.getValue()) {
                return Optional.of("the server's binary log does not reach the saved GTID position " + saved
                        + " (it is at " + current + "; was it reset, or is this another server?)");
            }
        }
        if (oldestFile == null) {
            return Optional.of("the server lists no binary logs");
        }
        Map<Long, Long> oldestStart = gtidListAtStart(connection, oldestFile);
        for (Map.Entry<Long, Long> domain : oldestStart.entrySet()) {
            long savedSequence = wanted.getOrDefault(domain.getKey(), 0L);
            if (savedSequence < domain.getValue()) {
                return Optional.of("the binary logs after the saved GTID position " + saved + " were purged (the oldest, "
                        + oldestFile + ", starts after GTID " + domain.getKey() + "-*-" + domain.getValue() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * The GTID state before the first transaction of a binary log: the list of its Gtid_list event
     * ({@code [0-1-45,1-2-7]}), which MariaDB writes at the start of every binary log.
     */
    private static Map<Long, Long> gtidListAtStart(Connection connection, String file) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW BINLOG EVENTS IN " + dev.umbra.engine.sql.Sql.literal(file)
                     + " LIMIT 10")) {
            while (row.next()) {
                if ("Gtid_list".equalsIgnoreCase(row.getString("Event_type"))) {
                    String list = row.getString("Info").trim();
                    return sequences(list.replace("[", "").replace("]", ""));
                }
            }
        }
        return Map.of();
    }

    /** Domain id to the highest sequence number of a MariaDB GTID list. */
    private static Map<Long, Long> sequences(String gtids) {
        Map<Long, Long> sequences = new HashMap<>();
        if (gtids == null || gtids.isBlank()) {
            return sequences;
        }
        for (String gtid : gtids.split(",")) {
            if (!gtid.isBlank()) {
                MariadbGtidSet.MariaGtid parsed = MariadbGtidSet.MariaGtid.parse(gtid.trim());
                sequences.merge(parsed.getDomainId(), parsed.getSequence(), Math::max);
            }
        }
        return sequences;
    }

    private static Optional<String> fileStillThere(Connection connection, BinlogPosition saved) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SHOW BINARY LOGS")) {
            while (row.next()) {
                if (row.getString(1).equals(saved.file())) {
                    return row.getLong(2) >= saved.position() ? Optional.empty()
                            : Optional.of("the binary log " + saved.file() + " is shorter than the saved position "
                                    + saved.position() + " (was the binary log reset?)");
                }
            }
        }
        return Optional.of("the binary log " + saved.file() + " is no longer on the server (purged)");
    }
}
