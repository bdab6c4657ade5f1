package dev.umbra.engine.testing;

import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Two sessions that hand a table over like a relay: each runs its statements for a random row and
 * keeps its transaction open until the other session has begun its next (or 300 ms have passed),
 * then commits. So a transaction is open on the table at every moment, unless a waiting lock holds
 * the next one back: the writers a table read lock never gets past.
 */
public final class RelayWriters implements AutoCloseable {

    private static final long HANDOVER_WAIT_MILLIS = 300;

    private final TestDatabase db;
    private final Supplier<Object> rows;
    private final List<String> statements;
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong committed = new AtomicLong();
    /** Transactions begun so far: a session commits once the count has moved past its own. */
    private final AtomicLong begun = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param rows       the next row's key, bound to each statement's one parameter
     * @param statements run in this order in each transaction; the first opens the relay's hold on its table
     */
    public RelayWriters(TestDatabase db, Supplier<Object> rows, String... statements) {
        this.db = db;
        this.rows = rows;
        this.statements = List.of(statements);
        for (int i = 0; i < 2; i++) {
            Thread thread = new Thread(this::run, "relay-writer-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    private void run() {
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            List<PreparedStatement> prepared = new ArrayList<>();
            for (String statement : statements) {
                prepared.add(connection.prepareStatement(statement));
            }
            while (running) {
                Object row = rows.get();
                long mine = -1;
                for (PreparedStatement statement : prepared) {
                    statement.setObject(1, row);
                    statement.executeUpdate();
                    if (mine < 0) {
                        synchronized (begun) {
                            mine = begun.incrementAndGet();
                            begun.notifyAll();
                        }
                    }
                }
                long deadline = System.currentTimeMillis() + HANDOVER_WAIT_MILLIS;
                synchronized (begun) {
                    while (running && begun.get() == mine && System.currentTimeMillis() < deadline) {
                        begun.wait(Math.max(1, deadline - System.currentTimeMillis()));
                    }
                }
                connection.commit();
                committed.incrementAndGet();
            }
        } catch (Exception e) {
            if (running) {
                errors.add(e.toString());
            }
        }
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    public long committed() {
        return committed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        synchronized (begun) {
            begun.notifyAll();
        }
        for (Thread thread : threads) {
            thread.join(5_000);
        }
    }
}
