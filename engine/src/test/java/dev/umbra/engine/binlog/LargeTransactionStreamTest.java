package dev.umbra.engine.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One transaction that changes far more rows than a piece holds (an UPDATE of a whole table, as a
 * backfill does) must not be held whole in memory: the stream hands it over in pieces, within the
 * queue's byte bound, and only its last part carries the position to resume from.
 */
class LargeTransactionStreamTest {

    private static final int ROWS = 45_000;
    /** About a piece and a half of row images: the queue never holds two pieces. */
    private static final long QUEUE_BYTES = 4L << 20;

    @EveryFlavor
    void aLargeTransactionIsHandedOverInPiecesWithinTheQueuesBound(TestDatabase db) throws Exception {
        createTable(db);
        TransactionQueue queue = new TransactionQueue(2_000, QUEUE_BYTES);
        List<BinlogTransaction> received = new ArrayList<>();
        long largestQueued = 0;
        try (BinlogStream stream = startStream(db, queue)) {
            db.execute("UPDATE big SET v = v + 1");
            while (received.isEmpty() || !received.get(received.size() - 1).endsTransaction()) {
                largestQueued = Math.max(largestQueued, queue.bytes());
                BinlogTransaction next = queue.poll(30, TimeUnit.SECONDS);
                assertThat(next).as("the rest of the transaction within 30 s").isNotNull();
                received.add(next);
                Thread.sleep(20); // a slow applier: the stream must wait, not buffer
            }
        }

        System.out.printf("[%s] one transaction of %d changes arrived in %d parts; the queue held at most %d KiB%n", db,
                ROWS, received.size(), largestQueued >> 10);
        assertThat(received.size()).isGreaterThanOrEqualTo(3);
        assertThat(received.subList(0, received.size() - 1)).allSatisfy(piece -> {
            assertThat(piece.endsTransaction()).isFalse();
            // A piece ends with the rows event that reached the limit: one event holds at most a few hundred rows.
            assertThat(piece.changes().size()).isBetween(BinlogStream.PIECE_CHANGES, BinlogStream.PIECE_CHANGES + 1_000);
        });
        assertThat(received.stream().mapToInt(part -> part.changes().size()).sum()).isEqualTo(ROWS);
        assertThat(updatedIds(received)).hasSize(ROWS);
        assertThat(largestQueued).isLessThanOrEqualTo(QUEUE_BYTES);
    }

    /** A reconnect inside the transaction starts it again: its pieces come again, and then its end. */
    @EveryFlavor
    void aReconnectInsideALargeTransactionHandsItOverAgainFromItsStart(TestDatabase db) throws Exception {
        createTable(db);
        TransactionQueue queue = new TransactionQueue(2_000, QUEUE_BYTES);
        List<BinlogTransaction> afterReconnect = new ArrayList<>();
        try (BinlogStream stream = startStream(db, queue)) {
            db.execute("UPDATE big SET v = v + 1");
            BinlogTransaction first = queue.poll(30, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.endsTransaction()).isFalse();
            while (queue.size() == 0) {
                Thread.sleep(10); // the second piece is queued, the third waits for room
            }
            // The client's disconnect waits for the event being handed over, so it cannot run on the taking thread.
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    stream.simulateDisconnect();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((afterReconnect.isEmpty() || !afterReconnect.get(afterReconnect.size() - 1).endsTransaction())
                    && System.nanoTime() < deadline) {
                BinlogTransaction next = queue.poll(1, TimeUnit.SECONDS);
                if (next != null) {
                    afterReconnect.add(next);
                }
            }
            assertThat(stream.reconnects()).isPositive();
        }

        assertThat(afterReconnect).isNotEmpty();
        assertThat(afterReconnect.get(afterReconnect.size() - 1).endsTransaction()).isTrue();
        // Whatever was queued before the drop arrives too; the transaction's every row is in what follows the first piece.
        assertThat(updatedIds(afterReconnect)).hasSize(ROWS);
    }

    private static void createTable(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE big (id INT PRIMARY KEY, v INT NOT NULL, pad VARCHAR(40) NOT NULL)");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            for (int from = 1; from <= ROWS; from += 1_000) {
                StringBuilder insert = new StringBuilder("INSERT INTO big (id, v, pad) VALUES ");
                for (int id = from; id < from + 1_000; id++) {
                    insert.append(id == from ? "" : ", ").append("(").append(id).append(", 0, REPEAT('x', 40))");
                }
                statement.execute(insert.toString());
            }
        }
    }

    private static BinlogStream startStream(TestDatabase db, TransactionQueue queue) throws Exception {
        BinlogStream stream = new BinlogStream(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()),
                db.schema(), Set.of("big"), queue);
        try (Connection connection = db.connect()) {
            stream.start(BinlogPosition.current(connection, ServerInfo.read(connection)));
        }
        return stream;
    }

    private static Set<Object> updatedIds(List<BinlogTransaction> parts) {
        Set<Object> ids = new HashSet<>();
        for (BinlogTransaction part : parts) {
            for (RowChange change : part.changes()) {
                Serializable id = change.after()[0];
                ids.add(id);
            }
        }
        return ids;
    }
}
