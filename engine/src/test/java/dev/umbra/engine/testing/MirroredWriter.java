package dev.umbra.engine.testing;

import dev.umbra.engine.sql.TransientErrors;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes to a table the way an application would, from several threads, while a migration runs:
 * inserts, updates, updates that change the primary key, and deletes. Every change is applied in
 * the same transaction to a mirror table that is not migrated, so that afterwards the migrated
 * table must equal the mirror.
 *
 * <p>The table is {@code (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64), qty INT,
 * updated_at DATETIME(6), note VARCHAR(255) NULL)}; see {@link #createTables}.
 */
public final class MirroredWriter implements AutoCloseable {

    /** Rows whose key changes move to negative ids, which AUTO_INCREMENT never hands out. */
    private static final long MOVED_IDS_START = 0;

    /**
     * A paced writer rests this long after each operation: a few hundred operations a second from
     * two threads, plenty to race every step of a migration, while flat-out writers in one test
     * fork starved the other fork's migrations of the two cores (a 1 s test took 7 s beside them).
     */
    private static final long PACED_PAUSE_MILLIS = 3;

    /** Named, because the migrated table gains columns at cut-over. */
    private static final String COLUMNS = "id, name, qty, updated_at, note";

    private final TestDatabase db;
    private final String table;
    private final String mirror;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong longestStallNanos = new AtomicLong();
    private final ThreadLocal<String> lastStep = ThreadLocal.withInitial(() -> "");
    private final AtomicLong nextMovedId = new AtomicLong(MOVED_IDS_START);
    private volatile boolean running;
    private volatile long maxInitialId;
    private volatile long pauseMillis = PACED_PAUSE_MILLIS;

    public MirroredWriter(TestDatabase db, String table) {
        this.db = db;
        this.table = table;
        this.mirror = table + "_mirror";
    }

    /** Creates the table and its mirror and loads both with {@code rows} rows. */
    public static void createTables(TestDatabase db, String table, int rows) throws SQLException {
        String definition = " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, qty INT NOT NULL,"
                + " updated_at DATETIME(6) NOT NULL, note VARCHAR(255) NULL) ENGINE=InnoDB";
        db.execute("CREATE TABLE `" + table + "`" + definition, "CREATE TABLE `" + table + "_mirror`" + definition);
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO `" + table + "` (name, qty, updated_at, note) VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= rows; i++) {
                    insert.setString(1, "item-" + i);
                    insert.setInt(2, i % 1000);
                    insert.setObject(3, LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(i).plusNanos(i % 1000 * 1000L));
                    insert.setString(4, i % 7 == 0 ? null : "note " + i);
                    insert.addBatch();
                    if (i % 5000 == 0) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
                insert.executeBatch();
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO `" + table + "_mirror` SELECT * FROM `" + table + "`");
            }
            connection.commit();
        }
    }

    /** Starts paced writer threads (see {@link #PACED_PAUSE_MILLIS}). */
    public void start(int threadCount) throws SQLException {
        begin(threadCount, PACED_PAUSE_MILLIS);
    }

    /** Starts writer threads that write as fast as the server lets them, for tests of load itself. */
    public void startFlatOut(int threadCount) throws SQLException {
        begin(threadCount, 0);
    }

    private void begin(int threadCount, long pause) throws SQLException {
        pauseMillis = pause;
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0) FROM `" + table + "`")) {
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
                        connection = db.connect();
                        connection.setAutoCommit(false);
                    }
                    writeOne(connection);
                    connection.commit();
                    operations.incrementAndGet();
                } catch (SQLException e) {
                    if (TransientErrors.isConnectionLoss(e)) {
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

    /** How often a writer thread lost its session and opened a new one. */
    public long reconnects() {
        return reconnects.get();
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

    private void writeOne(Connection connection) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        long id = 1 + random.nextLong(Math.max(1, maxInitialId + operations.get() / 5));
        if (dice < 30) {
            long newId;
            lastStep.set("insert into " + table);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO `" + table + "` (name, qty, updated_at, note) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                bindRow(insert, random);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    newId = keys.getLong(1);
                }
            }
            lastStep.set("copy new row " + newId + " to the mirror");
            try (PreparedStatement copy = connection.prepareStatement(
                    "INSERT INTO `" + mirror + "` (" + COLUMNS + ") SELECT " + COLUMNS + " FROM `" + table + "` WHERE id = ?")) {
                copy.setLong(1, newId);
                copy.executeUpdate();
            }
        } else if (dice < 70) {
            String name = "upd-" + random.nextInt(1_000_000);
            int qty = random.nextInt(10_000);
            for (String target : new String[] {table, mirror}) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE `" + target + "` SET name = ?, qty = ? WHERE id = ?")) {
                    update.setString(1, name);
                    update.setInt(2, qty);
                    update.setLong(3, id);
                    update.executeUpdate();
                }
            }
        } else if (dice < 80) {
            long movedTo = -nextMovedId.incrementAndGet();
            for (String target : new String[] {table, mirror}) {
                try (PreparedStatement move = connection.prepareStatement("UPDATE `" + target + "` SET id = ? WHERE id = ?")) {
                    move.setLong(1, movedTo);
                    move.setLong(2, id);
                    move.executeUpdate();
                }
            }
        } else {
            for (String target : new String[] {table, mirror}) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM `" + target + "` WHERE id = ?")) {
                    delete.setLong(1, id);
                    delete.executeUpdate();
                }
            }
        }
    }

    private static void bindRow(PreparedStatement insert, ThreadLocalRandom random) throws SQLException {
        insert.setString(1, "new-" + random.nextInt(1_000_000));
        insert.setInt(2, random.nextInt(10_000));
        insert.setObject(3, LocalDateTime.of(2025, 6, 1, 12, 0).plusNanos(random.nextLong(86_400_000_000_000L) / 1000 * 1000));
        insert.setString(4, random.nextBoolean() ? null : "n" + random.nextInt());
    }

    public long operations() {
        return operations.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    public Duration longestStall() {
        return Duration.ofNanos(longestStallNanos.get());
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
            connection.rollback();
        } catch (SQLException ignored) {
            // the next operation reports any lasting problem
        }
    }
}
