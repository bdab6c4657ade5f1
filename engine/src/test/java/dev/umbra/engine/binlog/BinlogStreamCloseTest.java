package dev.umbra.engine.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stream whose hand-over queue nobody takes from any more (the applier failed) still closes:
 * closing it must not wait for the queue, or the migration's end hangs with it.
 */
class BinlogStreamCloseTest {

    @EveryFlavor
    void aStreamBlockedOnAFullQueueClosesPromptly(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE seq (id BIGINT PRIMARY KEY)");
        TransactionQueue queue = new TransactionQueue(1, Long.MAX_VALUE);
        BinlogStream stream = new BinlogStream(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()),
                db.schema(), Set.of("seq"), queue);
        try (Connection writer = db.connect()) {
            stream.start(BinlogPosition.current(writer, ServerInfo.read(writer)));
        }
        db.execute("INSERT INTO seq VALUES (1)", "INSERT INTO seq VALUES (2)", "INSERT INTO seq VALUES (3)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (queue.size() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(queue.size()).as("the first transaction fills the queue").isEqualTo(1);
        Thread.sleep(300); // the stream now waits to hand over the second

        CompletableFuture<Void> closed = CompletableFuture.runAsync(stream::close);
        closed.get(10, TimeUnit.SECONDS);
        assertThat(closed).isDone();
    }
}
