package dev.umbra.engine.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.ServerOptions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * A dropped binlog connection (the server killed it, as a network fault or failover would) is
 * resumed from the end of the last complete transaction: every transaction arrives exactly once,
 * in commit order.
 */
class BinlogStreamReconnectTest {

    private static final int TRANSACTIONS = 3_000;

    /** With GTIDs (MySQL's default here, always on MariaDB) the stream resumes by GTID set. */
    @EveryFlavor
    void killedConnectionsResumeWithoutLosingOrRepeatingATransaction(TestDatabase db) throws Exception {
        killTwiceAndCompare(db);
    }

    static Stream<Named<TestDatabase>> mysqlWithoutGtid() {
        return Flavor.selected().stream().filter(flavor -> !flavor.isMariaDb())
                .map(flavor -> Named.of(flavor.id(), new TestDatabase(flavor, ServerOptions.withoutGtid())));
    }

    /** Without GTIDs the stream resumes by file and position. */
    @ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
    @MethodSource("mysqlWithoutGtid")
    void withoutGtidsTooByFileAndPosition(TestDatabase db) throws Exception {
        killTwiceAndCompare(db);
    }

    /**
     * While the migration is throttled nobody takes from the hand-over queue: the stream blocks, the
     * server's writes to it block, and after {@code net_write_timeout} the server drops the
     * connection. The stream must then resume where it stopped, not lose or repeat a transaction.
     */
    @EveryFlavor
    void aStreamHeldLongerThanTheServersWriteTimeoutResumesWhereItStopped(TestDatabase db) throws Exception {
        int transactions = 1_500; // 16 KiB each: more than the socket buffers between server and client hold
        db.execute("CREATE TABLE big (id BIGINT PRIMARY KEY, pad MEDIUMTEXT)");
        TransactionQueue queue = new TransactionQueue(1, Long.MAX_VALUE);
        String streamUser = "binlog_" + Long.toHexString(System.nanoTime());
        db.server().executeAsRoot("CREATE USER '" + streamUser + "'@'%' IDENTIFIED BY 'Stream-Pa55'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + streamUser + "'@'%'");
        List<Long> received = new ArrayList<>();
        try (Connection writer = db.connect();
             BinlogStream stream = new BinlogStream(new ConnectionSettings(db.host(), db.port(), streamUser, "Stream-Pa55"),
                     db.schema(), Set.of("big"), queue)) {
            long writeTimeout;
            try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement()) {
                try (ResultSet row = statement.executeQuery("SELECT @@global.net_write_timeout")) {
                    row.next();
                    writeTimeout = row.getLong(1);
                }
                // The dump thread takes the global value when it connects; the next connection gets the old one.
                statement.execute("SET GLOBAL net_write_timeout = 1");
                try {
                    stream.start(BinlogPosition.current(writer, ServerInfo.read(writer)));
                    waitFor(() -> !binlogDumpThreads(db, streamUser).isEmpty(), "the dump thread");
                } finally {
                    statement.execute("SET GLOBAL net_write_timeout = " + writeTimeout);
                }
            }
            try (PreparedStatement insert = writer.prepareStatement("INSERT INTO big VALUES (?, REPEAT('x', 16384))")) {
                for (long id = 1; id <= transactions; id++) {
                    insert.setLong(1, id);
                    insert.executeUpdate();
                }
            }
            waitFor(() -> binlogDumpThreads(db, streamUser).isEmpty(), "the server to drop the blocked stream");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.size() < transactions && System.nanoTime() < deadline) {
                BinlogTransaction transaction = queue.poll(100, TimeUnit.MILLISECONDS);
                if (transaction != null) {
                    transaction.changes().forEach(change -> received.add(((Number) change.after()[0]).longValue()));
                }
            }
            assertThat(stream.reconnects()).as("reconnects after the server dropped the stream").isGreaterThanOrEqualTo(1);
            assertThat(stream.failure()).isEmpty();
        }
        assertThat(received).containsExactlyElementsOf(LongStream.rangeClosed(1, transactions).boxed().toList());
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitFor(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void killTwiceAndCompare(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE seq (id BIGINT PRIMARY KEY, pad VARCHAR(100))");
        TransactionQueue queue = new TransactionQueue(10_000, Long.MAX_VALUE);
        List<Long> received = new ArrayList<>();
        // The stream gets an account of its own, so that the kills hit its dump thread and no other.
        String streamUser = "binlog_" + Long.toHexString(System.nanoTime());
        db.server().executeAsRoot("CREATE USER '" + streamUser + "'@'%' IDENTIFIED BY 'Stream-Pa55'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + streamUser + "'@'%'");
        try (Connection writer = db.connect();
             BinlogStream stream = new BinlogStream(new ConnectionSettings(db.host(), db.port(), streamUser, "Stream-Pa55"),
                     db.schema(), Set.of("seq"), queue)) {
            BinlogPosition start = BinlogPosition.current(writer, ServerInfo.read(writer));
            assertThat(start.hasGtids()).as("GTIDs at %s", start).isEqualTo(db.server().options().gtid() || db.flavor().isMariaDb());
            stream.start(start);
            Thread writes = new Thread(() -> insertSequence(writer));
            writes.start();
            int kills = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.size() < TRANSACTIONS && System.nanoTime() < deadline) {
                BinlogTransaction transaction = queue.poll(100, TimeUnit.MILLISECONDS);
                if (transaction != null) {
                    transaction.changes().forEach(change -> received.add(((Number) change.after()[0]).longValue()));
                }
                if (kills < 2 && received.size() > (kills + 1) * TRANSACTIONS / 3) {
                    killBinlogDumpThreads(db, streamUser);
                    kills++;
                }
            }
            writes.join(10_000);
            assertThat(kills).isEqualTo(2);
            // The last kill may land after everything was received; the stream reconnects regardless.
            long reconnectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stream.reconnects() < 2 && System.nanoTime() < reconnectDeadline) {
                Thread.sleep(20);
            }
            assertThat(stream.reconnects()).isGreaterThanOrEqualTo(2);
        }
        assertThat(received).containsExactlyElementsOf(LongStream.rangeClosed(1, TRANSACTIONS).boxed().toList());
    }

    private static void insertSequence(Connection writer) {
        try (PreparedStatement insert = writer.prepareStatement("INSERT INTO seq VALUES (?, REPEAT('x', 100))")) {
            for (long id = 1; id <= TRANSACTIONS; id++) {
                insert.setLong(1, id);
                insert.executeUpdate();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills our dump thread; waits for it first, since the stream may still be reconnecting from the last kill. */
    private static void killBinlogDumpThreads(TestDatabase db, String user) throws Exception {
        List<Long> ids = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ids.isEmpty() && System.nanoTime() < deadline) {
            ids = binlogDumpThreads(db, user);
            if (ids.isEmpty()) {
                Thread.sleep(20);
            }
        }
        assertThat(ids).as("binlog dump threads of %s", user).hasSize(1);
        try (Connection root = db.server().connectAsRoot()) {
            for (long id : ids) {
                try (Statement kill = root.createStatement()) {
                    kill.execute("KILL " + id);
                }
            }
        }
    }

    private static List<Long> binlogDumpThreads(TestDatabase db, String user) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection root = db.server().connectAsRoot(); Statement statement = root.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND USER = '"
                             + user + "'")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }
}
