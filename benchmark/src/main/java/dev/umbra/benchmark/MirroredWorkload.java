package dev.umbra.benchmark;

import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An application writing to the table while it is migrated: 60% updates, 20% inserts and 20%
 * deletes of random rows, from several threads, either at a fixed total rate or as fast as the
 * threads can. Every operation is repeated on a control table in the same transaction, so that
 * afterwards the migrated table must hold exactly the control table's rows.
 */
final class MirroredWorkload implements AutoCloseable {

    /** Opens a session to the benchmark's schema. */
    interface Sessions {
        Connection open() throws SQLException;
    }

    private final Sessions sessions;
    private final String table;
    private final String mirror;
    private final int threadCount;
    /** Total operations per second over all threads; 0 for as fast as they can. */
    private final int rate;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong highestId = new AtomicLong();
    private final AtomicLong nextSlot = new AtomicLong();
    private volatile boolean running;
    private StallRecorder stalls;

    MirroredWorkload(Sessions sessions, String table, String mirror, int threadCount, int rate) {
        this.sessions = sessions;
        this.table = Sql.quote(table);
        this.mirror = Sql.quote(mirror);
        this.threadCount = threadCount;
        this.rate = rate;
    }

    void start() throws SQLException {
        try (Connection connection = sessions.open(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
            row.next();
            highestId.set(row.getLong(1));
        }
        long now = System.nanoTime();
        stalls = new StallRecorder(now);
        nextSlot.set(now);
        running = true;
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::writeLoop, "benchmark-writer-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void writeLoop() {
        try (Connection connection = sessions.open()) {
            connection.setAutoCommit(false);
            SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
            while (running) {
                waitForSlot();
                try {
                    writeOne(connection, random);
                    connection.commit();
                    operations.incrementAndGet();
                    stalls.succeeded(System.nanoTime());
                } catch (SQLException e) {
                    failed.incrementAndGet();
                    rollbackQuietly(connection);
                    if (errors.size() < 20) {
                        errors.add(e.getMessage());
                    }
                }
            }
        } catch (SQLException e) {
            errors.add("writer could not connect: " + e.getMessage());
        }
    }

    /** At a fixed rate, each operation takes the next free slot of 1/rate seconds and waits for it. */
    private void waitForSlot() {
        if (rate <= 0) {
            return;
        }
        long interval = 1_000_000_000L / rate;
        long now = System.nanoTime();
        // A writer that fell behind (blocked by a lock) does not burst to catch up afterwards.
        long slot = nextSlot.getAndUpdate(next -> Math.max(next, now - interval) + interval);
        long wait = slot - now;
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private void writeOne(Connection connection, SplittableRandom random) throws SQLException {
        int dice = random.nextInt(100);
        long id = 1 + random.nextLong(Math.max(1, highestId.get()));
        if (dice < 60) {
            int b = random.nextInt(100_000);
            String a = "upd-" + random.nextInt(1_000_000);
            for (String target : new String[] {table, mirror}) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE " + target + " SET a = ?, b = ? WHERE id = ?")) {
                    update.setString(1, a);
                    update.setInt(2, b);
                    update.setLong(3, id);
                    update.executeUpdate();
                }
            }
        } else if (dice < 80) {
            long newId;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + table + " (a, b, c, d) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                BenchmarkTable.bindValues(insert, 1, random);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    newId = keys.getLong(1);
                }
            }
            try (PreparedStatement copy = connection.prepareStatement("INSERT INTO " + mirror + " (" + BenchmarkTable.COLUMNS
                    + ") SELECT " + BenchmarkTable.COLUMNS + " FROM " + table + " WHERE id = ?")) {
                copy.setLong(1, newId);
                copy.executeUpdate();
            }
            highestId.accumulateAndGet(newId, Math::max);
        } else {
            for (String target : new String[] {table, mirror}) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + target + " WHERE id = ?")) {
                    delete.setLong(1, id);
                    delete.executeUpdate();
                }
            }
        }
    }

    long operations() {
        return operations.get();
    }

    long failedOperations() {
        return failed.get();
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    StallRecorder stalls() {
        return stalls;
    }

    Duration longestStall() {
        return stalls.longestGap();
    }

    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the next operation reports any lasting problem
        }
    }
}
