package dev.umbra.testkit.sample;

import static dev.umbra.testkit.sample.SampleTable.COLUMNS;
import static dev.umbra.testkit.sample.SampleTable.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application writing to the sample table while it is migrated: inserts, updates, updates that
 * move a row to a new primary key, and deletes, from a few threads. Each change is made to the
 * mirror table in the same transaction, so the migrated table must equal the mirror afterwards.
 */
public final class MirroredWriter implements AutoCloseable {

    private final ConnectionSource database;
    private final String table;
    private final String mirror;
    private final long pauseMillis;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong operations = new AtomicLong();
    /** Moved rows get negative ids, which AUTO_INCREMENT never hands out. */
    private final AtomicLong lastMovedId = new AtomicLong();
    private volatile boolean running;
    private volatile long highestId;

    /** @param pauseMillis a pause after each transaction of each thread (0 for as fast as it goes) */
    public MirroredWriter(ConnectionSource database, String table, long pauseMillis) {
        this.database = database;
        this.table = table;
        this.mirror = SampleTable.mirrorOf(table);
        this.pauseMillis = pauseMillis;
    }

    public void start(int threadCount) throws SQLException {
        try (Connection connection = database.open(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + quote(table))) {
            row.next();
            highestId = row.getLong(1);
        }
        running = true;
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::writeLoop, "mirrored-writer-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    public long operations() {
        return operations.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeLoop() {
        try (Connection connection = database.open()) {
            connection.setAutoCommit(false);
            while (running) {
                try {
                    writeOne(connection);
                    connection.commit();
                    operations.incrementAndGet();
                } catch (SQLException e) {
                    rollbackQuietly(connection);
                    errors.add(e.getMessage());
                }
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (SQLException e) {
            errors.add("the writer could not connect: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeOne(Connection connection) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        long id = 1 + random.nextLong(Math.max(1, highestId));
        if (dice < 30) {
            insert(connection, random);
        } else if (dice < 75) {
            String name = "upd-" + random.nextInt(1_000_000);
            int qty = random.nextInt(10_000);
            for (String target : List.of(table, mirror)) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE " + quote(target) + " SET name = ?, qty = ? WHERE id = ?")) {
                    update.setString(1, name);
                    update.setInt(2, qty);
                    update.setLong(3, id);
                    update.executeUpdate();
                }
            }
        } else if (dice < 85) {
            long movedTo = -lastMovedId.incrementAndGet();
            for (String target : List.of(table, mirror)) {
                try (PreparedStatement move = connection.prepareStatement("UPDATE " + quote(target) + " SET id = ? WHERE id = ?")) {
                    move.setLong(1, movedTo);
                    move.setLong(2, id);
                    move.executeUpdate();
                }
            }
        } else {
            for (String target : List.of(table, mirror)) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + quote(target) + " WHERE id = ?")) {
                    delete.setLong(1, id);
                    delete.executeUpdate();
                }
            }
        }
    }

    private void insert(Connection connection, ThreadLocalRandom random) throws SQLException {
        long newId;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + quote(table) + " (name, qty, updated_at, note) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, "new-" + random.nextInt(1_000_000));
            insert.setInt(2, random.nextInt(10_000));
            insert.setObject(3, LocalDateTime.of(2025, 6, 1, 12, 0).plusNanos(random.nextLong(86_400_000_000L) * 1000));
            insert.setString(4, random.nextBoolean() ? null : "n" + random.nextInt());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                newId = keys.getLong(1);
            }
        }
        highestId = Math.max(highestId, newId);
        try (PreparedStatement copy = connection.prepareStatement("INSERT INTO " + quote(mirror) + " (" + COLUMNS + ") SELECT "
                + COLUMNS + " FROM " + quote(table) + " WHERE id = ?")) {
            copy.setLong(1, newId);
            copy.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the next transaction reports a lasting problem
        }
    }
}
