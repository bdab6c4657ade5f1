package dev.umbra.engine.run;

import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Changes one row of the sample table (and its mirror, in the same transaction) again and again
 * on a thread of its own, each change committed: the checksum range that holds the row never stays the same long
 * enough to match without locks, so it is compared under them.
 */
final class RowChurn implements AutoCloseable {

    private final TestDatabase db;
    private final String table;
    private final String mirror;
    private final long id;
    private final Duration pause;
    private final CountDownLatch firstChange = new CountDownLatch(1);
    private final AtomicInteger changes = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param pause between one change's commit and the next change: zero keeps the row locked
     *              nearly all the time (a comparison without locks then never sees it unchanged),
     *              a few milliseconds leave a locking read room to get in, as a hot row's writers do
     */
    RowChurn(TestDatabase db, String table, String mirror, long id, Duration pause) {
        this.db = db;
        this.table = table;
        this.mirror = mirror;
        this.id = id;
        this.pause = pause;
    }

    /** Starts changing the row; returns once the first change has committed, so that none is missed by a race. */
    void start() throws InterruptedException {
        thread = new Thread(this::churn, "row-churn");
        thread.setDaemon(true);
        thread.start();
        if (!firstChange.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the row churn made no change in 30 s", failure.get());
        }
    }

    private void churn() {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            while (running) {
                statement.executeUpdate(changeIn(table));
                statement.executeUpdate(changeIn(mirror));
                connection.commit();
                changes.incrementAndGet();
                firstChange.countDown();
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
            }
        } catch (SQLException | InterruptedException e) {
            failure.set(e);
        } finally {
            firstChange.countDown();
        }
    }

    /** Changes the row, or writes it again where a writer deleted it (an UPDATE would then change nothing). */
    private String changeIn(String target) {
        return "INSERT INTO `" + target + "` (id, name, qty, updated_at, note) VALUES (" + id + ", 'churned', 1,"
                + " '2024-01-01 00:00:00', NULL) ON DUPLICATE KEY UPDATE qty = qty + 1";
    }

    int changes() {
        return changes.get();
    }

    Exception failure() {
        return failure.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(30_000);
        }
    }
}
