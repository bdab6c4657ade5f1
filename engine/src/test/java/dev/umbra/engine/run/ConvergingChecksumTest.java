package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.Verification;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The checksum before cut-over converges on a table too busy for a table lock: writers flat out,
 * and a transaction that keeps rows of the table locked for several times the lock timeout. Such
 * a transaction holds the table's metadata lock, so {@code LOCK TABLES ... READ} cannot be had
 * while it runs; with a table lock and a limited number of attempts the migration failed ("no
 * consistent point for the checksum could be taken"). Now each chunk is compared under its own row
 * locks, taken by a read that never waits (so no writer becomes a deadlock victim): only the chunk
 * with the held rows waits, the status says why, and the migration finishes once the transaction
 * ends, with every row equal to its mirror and no writer error. MySQL 5.7 has no such read; there
 * the table read lock is tried again until it can be had.
 */
class ConvergingChecksumTest {

    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration HELD_FOR = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> ITEM_COLUMNS = List.of("id", "name", "qty", "updated_at", "note");

    @EveryFlavor
    void aChunkWhoseRowsAnotherTransactionHoldsWaitsForThemAndTheMigrationFinishes(TestDatabase db) throws Exception {
        Instant longTransactionEnded;
        SampleTable.create(db::connect, "items", 4_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", busyTableOptions()));
        Progress done;
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items");
             LongTransaction longTransaction = new LongTransaction(db,
                     "SELECT COUNT(*) FROM items WHERE id BETWEEN 1500 AND 1600 FOR UPDATE");
             // A row changed without pause on each side of the held ones, so that whichever checksum
             // range the held rows fall in changes all the time and is compared under locks: the
             // writers' deletes move the copy's chunk boundaries, so a single churned row at 1,700
             // can fall in another range than the held rows, which then match without locks (the
             // likely cause of one failure in a deep-clone run: the checksum never waited).
             RowChurn churnBelow = new RowChurn(db, "items", writer.mirror(), 1_490, Duration.ZERO);
             RowChurn churnAbove = new RowChurn(db, "items", writer.mirror(), 1_610, Duration.ZERO)) {
            writer.startFlatOut(4);
            migration.runner().hooks().onPause(ChecksumHold.untilAfter(point -> {
                if (point == PausePoint.BEFORE_VERIFY) {
                    churnBelow.start();
                    churnAbove.start();
                    longTransaction.beginUntilSeenWaiting();
                }
            }));
            migration.start();
            String waiting = db.flavor() == Flavor.MYSQL_5_7 ? "waiting for a consistent point"
                    : "waiting, rows of the chunk are locked by other transactions";
            migration.await("the checksum waiting for the held rows", progress -> progress.stage().contains(waiting), TIMEOUT);
            longTransaction.seenWaiting();
            assertThat(longTransaction.isOpen()).as("the wait is the long transaction's").isTrue();
            assertThat(migration.runner().progress().phase()).isEqualTo(Phase.COPYING);
            done = migration.awaitEnd(TIMEOUT);
            writer.close();
            churnBelow.close();
            churnAbove.close();
            assertThat(writer.errors()).as("no writer failed").isEmpty();
            assertThat(TableContents.rows(db, "items", ITEM_COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), ITEM_COLUMNS));
            assertThat(longTransaction.failure()).isNull();
            assertThat(churnBelow.failure()).isNull();
            assertThat(churnAbove.failure()).isNull();
            longTransactionEnded = longTransaction.endedAt();
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        Verification verification = done.verification().orElseThrow();
        assertThat(verification.chunks()).isGreaterThan(1);
        if (db.flavor() != Flavor.MYSQL_5_7) {
            assertThat(verification.longestLock()).as("no chunk's locks outlasted the lock timeout").isLessThan(LOCK_TIMEOUT.plusMillis(500));
        }
        assertThat(verification.mismatchedChunks()).as("each chunk compared at a point where both sides must be equal")
                .isZero();
        assertThat(migration.snapshots()).as("the checksum's outcome came after the long transaction ended")
                .filteredOn(progress -> progress.verification().isPresent()).first()
                .satisfies(progress -> assertThat(progress.at()).isAfterOrEqualTo(longTransactionEnded));
        System.out.printf("[%s] checksum of %d chunks beside a %d s transaction and 4 writers: %d ms, longest lock %d ms%n",
                db, verification.chunks(), HELD_FOR.toSeconds(), verification.duration().toMillis(),
                verification.longestLock().toMillis());
    }

    /**
     * Rows a long transaction holds locked but does not change are compared without waiting for
     * it: a range that stays the same from before the ghost's snapshot to after it matches without
     * a lock (the original read twice in snapshots, the ghost once between). MySQL 5.7 takes its
     * one consistent point under a table lock, which waits for the transaction.
     */
    @EveryFlavor
    void rowsHeldButUnchangedAreComparedWithoutWaitingForTheirTransaction(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 4_000);
        List<String> original = TableContents.rows(db, "items", ITEM_COLUMNS);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", busyTableOptions().withCutOverMaxAttempts(20)));
        try (LongTransaction longTransaction = new LongTransaction(db,
                "SELECT COUNT(*) FROM items WHERE id BETWEEN 1500 AND 1600 FOR UPDATE")) {
            migration.runner().hooks().onPause(ChecksumHold.untilAfter(point -> {
                if (point == PausePoint.BEFORE_VERIFY) {
                    longTransaction.begin();
                }
            }));
            migration.start();
            migration.await("the checksum's outcome", progress -> progress.verification().isPresent(), TIMEOUT);
            boolean heldMeanwhile = longTransaction.isOpen();

            Progress done = migration.awaitEnd(TIMEOUT);

            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(done.verification().orElseThrow().mismatchedChunks()).isZero();
            assertThat(longTransaction.failure()).isNull();
            if (db.flavor() == Flavor.MYSQL_5_7) {
                assertThat(heldMeanwhile).as("5.7's table lock waited for the transaction").isFalse();
            } else {
                assertThat(heldMeanwhile).as("compared while the transaction still held its rows").isTrue();
                assertThat(done.verification().orElseThrow().longestLock()).as("no row was locked").isZero();
            }
        }
        assertThat(TableContents.rows(db, "items", ITEM_COLUMNS)).isEqualTo(original);
    }

    /**
     * The end of the table always holds rows inserted and not yet committed (three threads, each
     * holding its insert open for 30 ms): a chunk read that fails on any locked row would never get
     * the last chunk, which is open above. Its free rows and gaps are locked first, so that no new
     * insert enters, and the rows in flight are waited for.
     */
    @EveryFlavor
    void theLastChunkIsComparedWhileInsertsKeepArrivingAtTheEndOfTheTable(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 2_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", busyTableOptions()));
        Progress done;
        try (SlowInserts inserts = new SlowInserts(db, "items", 3)) {
            // The checksum starts only once inserts are under way, so that it meets them.
            migration.runner().hooks().onPause(ChecksumHold.untilAfter(point -> {
                if (point == PausePoint.BEFORE_VERIFY) {
                    inserts.awaitMore(5);
                }
            }));
            migration.start();
            done = migration.awaitEnd(TIMEOUT);
            inserts.close();
            assertThat(inserts.errors()).as("no insert failed").isEmpty();
        }
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.verification().orElseThrow().mismatchedChunks()).isZero();
        assertThat(TableContents.rows(db, "items", ITEM_COLUMNS))
                .isEqualTo(TableContents.rows(db, "items_mirror", ITEM_COLUMNS));
    }

    /**
     * A key whose sort order the ALTER changes is compared at one consistent point under a table
     * read lock; it cannot be had while the long transaction runs, and the checksum tries again for
     * as long as it takes instead of failing after a number of attempts.
     */
    @EveryFlavor
    void aTableReadLockThatCannotBeHadIsTriedAgainUntilItCan(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE words (w VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,"
                + " n INT NOT NULL) ENGINE=InnoDB");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (int i = 1; i <= 1_000; i++) {
                values.append(i == 1 ? "" : ", ").append("('w").append(i).append("', ").append(i).append(")");
            }
            statement.execute("INSERT INTO words VALUES " + values);
        }
        List<String> original = TableContents.rows(db, "words", List.of("w", "n"));
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "words",
                "MODIFY w VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL", busyTableOptions()));
        try (LongTransaction longTransaction = new LongTransaction(db,
                "SELECT COUNT(*) FROM words WHERE w = 'w500' FOR UPDATE")) {
            migration.runner().hooks().onPause(ChecksumHold.untilAfter(point -> {
                if (point == PausePoint.BEFORE_VERIFY) {
                    longTransaction.begin();
                }
            }));
            migration.start();
            migration.await("the checksum waiting for its table lock", progress ->
                    progress.stage().contains("waiting for a consistent point"), TIMEOUT);

            Progress done = migration.awaitEnd(TIMEOUT);

            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(done.verification().orElseThrow().chunks()).isEqualTo(1);
            assertThat(done.verification().orElseThrow().mismatchedChunks()).isZero();
            assertThat(longTransaction.failure()).isNull();
        }
        assertThat(TableContents.rows(db, "words", List.of("w", "n"))).containsExactlyInAnyOrderElementsOf(original);
    }

    /** A lock timeout of 1 s (a third of {@link #HELD_FOR}) and 2 cut-over attempts: the table lock would have failed within seconds. */
    private static MigrationOptions busyTableOptions() {
        return MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(500)
                .withChunkTime(Duration.ZERO).withCutOverLockTimeout(LOCK_TIMEOUT).withCutOverMaxAttempts(2);
    }

    /** Threads that insert a row, keep the transaction open for 30 ms, copy the row to the mirror and commit. */
    private static final class SlowInserts implements AutoCloseable {

        private final TestDatabase db;
        private final String table;
        private final List<Thread> threads = new java.util.ArrayList<>();
        private final java.util.Queue<String> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicLong inserted = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean running = true;

        SlowInserts(TestDatabase db, String table, int threadCount) {
            this.db = db;
            this.table = table;
            for (int i = 0; i < threadCount; i++) {
                Thread thread = new Thread(this::insertLoop, "slow-inserts-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        private void insertLoop() {
            try (Connection connection = db.connect();
                 java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO `" + table
                         + "` (name, qty, updated_at, note) VALUES ('tail', 1, NOW(6), NULL)", Statement.RETURN_GENERATED_KEYS);
                 java.sql.PreparedStatement mirror = connection.prepareStatement("INSERT INTO `" + table + "_mirror`"
                         + " (id, name, qty, updated_at, note) SELECT id, name, qty, updated_at, note FROM `" + table
                         + "` WHERE id = ?")) {
                connection.setAutoCommit(false);
                while (running) {
                    try {
                        insert.executeUpdate();
                        long id;
                        try (java.sql.ResultSet keys = insert.getGeneratedKeys()) {
                            keys.next();
                            id = keys.getLong(1);
                        }
                        Thread.sleep(30);
                        mirror.setLong(1, id);
                        mirror.executeUpdate();
                        connection.commit();
                        inserted.incrementAndGet();
                    } catch (SQLException e) {
                        connection.rollback();
                        errors.add(e.getMessage());
                    }
                }
            } catch (SQLException | InterruptedException e) {
                errors.add(e.toString());
            }
        }

        /** Returns once {@code count} more rows were inserted (fails the test after 30 s). */
        void awaitMore(int count) throws InterruptedException {
            long target = inserted.get() + count;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inserted.get() < target) {
                assertThat(System.nanoTime()).as("%d more inserts within 30 s", count).isLessThan(deadline);
                Thread.sleep(10);
            }
        }

        List<String> errors() {
            return List.copyOf(errors);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }
    }

    /**
     * A transaction that reads rows of the table with a locking read and stays open for
     * {@link #HELD_FOR}: like a report or a batch job that touched the table, it holds those rows
     * and the table's metadata lock until it ends. Begun with {@link #beginUntilSeenWaiting}, its
     * {@link #HELD_FOR} counts from when the test has seen the checksum wait for it instead: how
     * soon the checksum reaches the held rows depends on the machine's speed.
     */
    private static final class LongTransaction implements AutoCloseable {

        private final TestDatabase db;
        private final String lockingRead;
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch seenWaiting = new CountDownLatch(1);
        private volatile boolean untilSeenWaiting;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean open;
        private volatile Instant endedAt;
        private Thread thread;

        LongTransaction(TestDatabase db, String lockingRead) {
            this.db = db;
            this.lockingRead = lockingRead;
        }

        /** Starts the transaction and returns once it holds its locks; it ends {@link #HELD_FOR} later. */
        void begin() throws InterruptedException {
            thread = new Thread(this::hold, "long-transaction");
            thread.setDaemon(true);
            thread.start();
            assertThat(holding.await(30, TimeUnit.SECONDS)).as("the long transaction took its locks").isTrue();
        }

        /** As {@link #begin}, but it ends {@link #HELD_FOR} after {@link #seenWaiting()}. */
        void beginUntilSeenWaiting() throws InterruptedException {
            untilSeenWaiting = true;
            begin();
        }

        void seenWaiting() {
            seenWaiting.countDown();
        }

        private void hold() {
            try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeQuery(lockingRead).close();
                open = true;
                holding.countDown();
                if (untilSeenWaiting) {
                    // Bounded, so that a run that never waits fails on its own assertion, not on a hung thread.
                    seenWaiting.await(60, TimeUnit.SECONDS);
                }
                Thread.sleep(HELD_FOR.toMillis());
                connection.commit();
                endedAt = Instant.now();
                open = false;
            } catch (SQLException | InterruptedException e) {
                failure.set(e);
                holding.countDown();
            }
        }

        boolean isOpen() {
            return open;
        }

        /** When it committed; null before. */
        Instant endedAt() {
            return endedAt;
        }

        Exception failure() {
            return failure.get();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread != null) {
                seenWaiting.countDown();
                thread.join(HELD_FOR.toMillis() + 30_000);
            }
        }
    }
}
