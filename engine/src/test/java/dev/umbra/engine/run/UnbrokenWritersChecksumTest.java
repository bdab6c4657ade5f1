package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The checksum's consistent point under writers that never leave the table free of an open
 * transaction: two sessions in a relay, each keeping its update open until the other has begun
 * its next. A waiting {@code LOCK TABLES ... READ} lets new writers pass, so it is never granted (on
 * MySQL 5.7 under the benchmark's 16 writer threads, 30 attempts in 292 s all timed out, and the
 * migration never ended). The point is then taken under a write lock, which new writers queue
 * behind; the migration ends with the table equal to its mirror and no writer error.
 *
 * <p>The ALTER changes how the key sorts, so that every server compares the table at one
 * consistent point (MySQL 5.7 always does).
 */
class UnbrokenWritersChecksumTest {

    private static final int ROWS = 1_000;
    private static final List<String> COLUMNS = List.of("w", "n");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @EveryFlavor
    void aTableNeverFreeOfOpenWriteTransactionsStillGetsItsConsistentPoint(TestDatabase db) throws Exception {
        for (String table : List.of("words", "words_mirror")) {
            db.execute("CREATE TABLE " + table + " (w VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"
                    + " PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB");
            StringBuilder values = new StringBuilder();
            for (int i = 1; i <= ROWS; i++) {
                values.append(i == 1 ? "" : ", ").append("('w").append(i).append("', ").append(i).append(")");
            }
            db.execute("INSERT INTO " + table + " VALUES " + values);
        }
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "words",
                "MODIFY w VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)
                        .withCutOverLockTimeout(Duration.ofSeconds(1))));
        AtomicBoolean readLockRefused = new AtomicBoolean();
        Progress done;
        try (RelayWriters writers = new RelayWriters(db)) {
            migration.start().await("the checksum refused its read lock", progress -> {
                readLockRefused.compareAndSet(false, progress.stage().contains("could not be locked for reading"));
                return readLockRefused.get() || progress.phase().isFinal();
            }, TIMEOUT);
            done = migration.awaitEnd(TIMEOUT);
            writers.close();
            assertThat(writers.errors()).as("no writer failed").isEmpty();
            assertThat(writers.committed()).isGreaterThan(20);
        }

        assertThat(readLockRefused).as("writers kept the read lock out").isTrue();
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.verification().orElseThrow().chunks()).isEqualTo(1);
        assertThat(done.verification().orElseThrow().mismatchedChunks()).isZero();
        assertThat(TableContents.rows(db, "words", COLUMNS)).isEqualTo(TableContents.rows(db, "words_mirror", COLUMNS));
        System.out.printf("[%s] consistent point under overlapping writers: the table was locked %d ms%n", db,
                done.verification().orElseThrow().longestLock().toMillis());
    }

    /**
     * Two sessions that hand the table over like a relay: each updates a random row and its mirror
     * and keeps its transaction open until the other session has begun its next update (or 300 ms
     * have passed), then commits. So a transaction is open on the table at every moment, unless a
     * waiting lock holds the next update back.
     */
    private static final class RelayWriters implements AutoCloseable {

        private static final long HANDOVER_WAIT_MILLIS = 300;

        private final TestDatabase db;
        private final List<Thread> threads = new ArrayList<>();
        private final Queue<String> errors = new ConcurrentLinkedQueue<>();
        private final AtomicLong committed = new AtomicLong();
        /** Transactions begun so far: a runner commits once the count has moved past its own. */
        private final AtomicLong begun = new AtomicLong();
        private volatile boolean running = true;

        RelayWriters(TestDatabase db) {
            this.db = db;
            for (int i = 0; i < 2; i++) {
                Thread thread = new Thread(this::run, "relay-writer-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        private void run() {
            try (Connection connection = db.connect();
                 PreparedStatement table = connection.prepareStatement("UPDATE words SET n = n + 1 WHERE w = ?");
                 PreparedStatement mirror = connection.prepareStatement("UPDATE words_mirror SET n = n + 1 WHERE w = ?")) {
                connection.setAutoCommit(false);
                while (running) {
                    String word = "w" + (1 + ThreadLocalRandom.current().nextInt(ROWS));
                    table.setString(1, word);
                    table.executeUpdate();
                    long mine;
                    synchronized (begun) {
                        mine = begun.incrementAndGet();
                        begun.notifyAll();
                    }
                    mirror.setString(1, word);
                    mirror.executeUpdate();
                    long deadline = System.currentTimeMillis() + HANDOVER_WAIT_MILLIS;
                    synchronized (begun) {
                        while (begun.get() == mine && System.currentTimeMillis() < deadline) {
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

        List<String> errors() {
            return List.copyOf(errors);
        }

        long committed() {
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
}
