package dev.umbra.benchmark;

import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Case (t): a backfill during the copy, one transaction that updates every row of the table and,
 * in step, of its control table. The binlog holds it as one transaction of as many row changes as
 * the table has rows; the case's peak heap shows whether the migration held them all at once.
 */
final class LargeTransaction {

    private final MirroredWorkload.Sessions sessions;
    private final String table;
    private final String mirror;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Thread thread;
    private volatile long rows;
    private volatile long millis;
    private volatile String error;

    LargeTransaction(MirroredWorkload.Sessions sessions, String table, String mirror) {
        this.sessions = sessions;
        this.table = table;
        this.mirror = mirror;
        this.thread = new Thread(this::run, "benchmark-large-transaction");
    }

    /** Starts the transaction the first time it is called, on its own thread. */
    void startOnce() {
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    void await() throws InterruptedException {
        if (started.get()) {
            thread.join();
        }
    }

    private void run() {
        long began = System.nanoTime();
        try (Connection connection = sessions.open(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            rows = statement.executeUpdate("UPDATE " + Sql.quote(table) + " SET b = b + 1");
            statement.executeUpdate("UPDATE " + Sql.quote(mirror) + " SET b = b + 1");
            connection.commit();
        } catch (SQLException e) {
            error = e.getMessage();
        }
        millis = (System.nanoTime() - began) / 1_000_000;
    }

    String summary() {
        if (!started.get()) {
            return "the large transaction never started (the copy ended first)";
        }
        return error != null ? "the large transaction failed: " + error
                : String.format("one transaction updated all %,d rows during the copy (%.1f s to commit)", rows, millis / 1000.0);
    }
}
