package dev.umbra.testkit.sample;

import static dev.umbra.testkit.sample.SampleTable.COLUMNS;
import static dev.umbra.testkit.sample.SampleTable.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application writing to the sample table (see {@link SampleTable}) while it is migrated, from
 * several threads: inserts, updates, updates that move a row to a new primary key, and deletes.
 * Each change is made to the mirror table in the same transaction, so the migrated table must
 * equal the mirror afterwards. The one workload of the engine's tests, the operator's tests and
 * the playground.
 */
public final class MirroredWriter implements AutoCloseable {

    /**
     * A paced writer rests this long after each operation: a few hundred operations a second from
     * two threads, plenty to race every step of a migration, while flat-out writers in one test
     * fork starved the other fork's migrations of the two cores (a 1 s test took 7 s beside them).
     */
    private static final long PACED_PAUSE_MILLIS = 3;
    /**
     * MySQL and MariaDB error codes of a lost or killed session that carry no 08 SQL state: server
     * gone, lost, shutting down; connection killed (MariaDB); query interrupted by a KILL; session
     * killed (MySQL 8); idle session ended by the server (MySQL 8.0.24+).
     */
    private static final List<Integer> CONNECTION_LOST = List.of(2006, 2013, 1053, 1927, 1317, 3169, 4031);

    private final ConnectionSource database;
    private final String table;
    private final String mirror;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong longestStallNanos = new AtomicLong();
    private final ThreadLocal<String> lastStep = ThreadLocal.withInitial(() -> "");
    /** Rows whose key changes move to negative ids, which AUTO_INCREMENT never hands out. */
    private final AtomicLong nextMovedId = new AtomicLong();
    private volatile boolean running;
    private volatile long maxInitialId;
    private volatile long pauseMillis = PACED_PAUSE_MILLIS;

    public MirroredWriter(ConnectionSource database, String table) {
        this.database = database;
        this.table = table;
        this.mirror = SampleTable.mirrorOf(table);
    }

    /** Paced writer threads (see {@link #PACED_PAUSE_MILLIS}). */
    public void start(int threadCount) throws SQLException {
        start(threadCount, PACED_PAUSE_MILLIS);
    }

    /** Writer threads that write as fast as the server lets them, for tests of load itself. */
    public void startFlatOut(int threadCount) throws SQLException {
        start(threadCount, 0);
    }

    /** Writer threads that rest {@code pause} milliseconds after each operation. */
    public void start(int threadCount, long pause) throws SQLException {
        pauseMillis = pause;
        try (Connection connection = database.open(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0) FROM " + quote(table))) {
            row.next();
            maxInitialId = row.getLong(1);
            // Keys moved by an earlier writer on this table are negative: a second writer moves rows below them.
            nextMovedId.accumulateAndGet(-row.getLong(2), Math::max);
        }
        running = true;
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::writeLoop, "mirrored-writer-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Survives losing the server (a test restarts it) as an application would: it opens a new
     * session and goes on. A transaction whose commit answer was lost is harmless here: the table
     * and its mirror change in the same transaction, so both have it or neither has.
     */
    private void writeLoop() {
        Connection connection = null;
        try {
            while (running) {
                long began = System.nanoTime();
                try {
                    if (connection == null) {
                        connection = database.open();
                        connection.setAutoCommit(false);
                    }
                    writeOne(connection);
                    connection.commit();
                    operations.incrementAndGet();
                } catch (SQLException e) {
                    if (isConnectionLoss(e)) {
                        closeQuietly(connection);
                        connection = null;
                        reconnects.incrementAndGet();
                        sleepQuietly(100);
                        continue;
                    }
                    rollbackQuietly(connection);
                    errors.add(e.getMessage() + " (" + lastStep.get() + ")");
                }
                longestStallNanos.accumulateAndGet(System.nanoTime() - began, Math::max);
                if (pauseMillis > 0) {
                    sleepQuietly(pauseMillis);
                }
            }
        } finally {
            closeQuietly(connection);
        }
    }

    private void writeOne(Connection connection) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        long id = 1 + random.nextLong(Math.max(1, maxInitialId + operations.get() / 5));
        if (dice < 30) {
            insert(connection, random);
        } else if (dice < 70) {
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
        } else if (dice < 80) {
            long movedTo = -nextMovedId.incrementAndGet();
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
        lastStep.set("insert into " + table);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + quote(table) + " (name, qty, updated_at, note) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, "new-" + random.nextInt(1_000_000));
            insert.setInt(2, random.nextInt(10_000));
            insert.setObject(3, LocalDateTime.of(2025, 6, 1, 12, 0).plusNanos(random.nextLong(86_400_000_000_000L) / 1000 * 1000));
            insert.setString(4, random.nextBoolean() ? null : "n" + random.nextInt());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                newId = keys.getLong(1);
            }
        }
        lastStep.set("copy new row " + newId + " to the mirror");
        try (PreparedStatement copy = connection.prepareStatement("INSERT INTO " + quote(mirror) + " (" + COLUMNS + ") SELECT "
                + COLUMNS + " FROM " + quote(table) + " WHERE id = ?")) {
            copy.setLong(1, newId);
            copy.executeUpdate();
        }
    }

    /** Whether the session is gone (the server stopped, or a test killed it), as opposed to a refused statement. */
    static boolean isConnectionLoss(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ((state != null && state.startsWith("08")) || CONNECTION_LOST.contains(sql.getErrorCode())
                        || sql instanceof SQLRecoverableException || sql instanceof SQLTransientConnectionException
                        || sql instanceof SQLNonTransientConnectionException) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How often a writer thread lost its session and opened a new one. */
    public long reconnects() {
        return reconnects.get();
    }

    public long operations() {
        return operations.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The longest one operation took, commit included. */
    public Duration longestStall() {
        return Duration.ofNanos(longestStallNanos.get());
    }

    /** The longest one operation took since the last call (or the start), and starts measuring anew. */
    public Duration takeLongestStall() {
        return Duration.ofNanos(longestStallNanos.getAndSet(0));
    }

    public String mirror() {
        return mirror;
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

    private static void rollbackQuietly(Connection connection) {
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the next operation reports any lasting problem
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone either way
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
