package dev.umbra.engine.testing;

import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a table by its name over and over from its own session while a migration runs, and keeps
 * every error: a cut-over must leave some table serving under the name at every moment, so no read
 * may ever fail with "Table doesn't exist" (it may wait while writers are blocked).
 */
public final class TableWatcher implements AutoCloseable {

    private final TestDatabase db;
    private final String table;
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong reads = new AtomicLong();
    private volatile boolean running = true;
    private final Thread thread;

    public TableWatcher(TestDatabase db, String table) {
        this.db = db;
        this.table = table;
        this.thread = new Thread(this::watch, "table-watcher-" + table);
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            while (running) {
                try {
                    statement.executeQuery("SELECT COUNT(*) FROM `" + table + "` WHERE id = 1").close();
                    reads.incrementAndGet();
                } catch (SQLException e) {
                    errors.add(e.getMessage());
                }
                Thread.sleep(2);
            }
        } catch (SQLException e) {
            errors.add("the watcher could not connect: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    public long reads() {
        return reads.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
