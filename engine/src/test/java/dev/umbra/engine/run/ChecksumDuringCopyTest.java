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
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The checksum compares the key ranges the copy has finished while the copy goes on, where it
 * compares range by range under row locks (MariaDB 10.6+, MySQL 8.0): on an idle server its cost
 * then hides behind the copy's (docs/benchmarks.md). What a user relies on: the ranges matched
 * beside the copy count as compared, a range that differs there is compared again after the copy
 * and copied again, and the table ends equal to what its writers wrote. MySQL 5.7, whose locking
 * reads cannot refuse to wait, compares beside the copy without locks only, and leaves the ranges
 * writers changed meanwhile to the checksum after the copy.
 */
class ChecksumDuringCopyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final int ROWS = 20_000;
    private static final int CHUNK = 1_000;

    /**
     * A transaction holds a row near the end of the table until the first range is compared, so
     * the copy (which waits for that row) cannot be over before: a small table's copy is otherwise
     * done in less time than the checksum's thread takes to start.
     */
    @EveryFlavor
    void rangesTheCopyFinishedAreComparedWhileItGoesOnUnderWriters(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        BackgroundMigration migration = migration(db);
        Queue<Long> copiedAtEachComparison = new ConcurrentLinkedQueue<>();
        Progress done;
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items");
             Connection holder = holdingRow(db, ROWS - 10)) {
            migration.runner().hooks().onPause(point -> {
                if (point == PausePoint.BEFORE_COMPARING_DURING_COPY) {
                    Progress now = migration.runner().progress();
                    copiedAtEachComparison.add(now.phase() == Phase.COPYING && !now.stage().startsWith("Verifying")
                            ? now.rowsCopied() : Long.MAX_VALUE);
                    synchronized (holder) {
                        if (!holder.getAutoCommit()) {
                            holder.commit();
                            holder.setAutoCommit(true);
                        }
                    }
                }
            });
            writer.start(2);
            done = migration.start().awaitEnd(TIMEOUT);
            writer.close();
            assertThat(writer.errors()).as("no writer failed").isEmpty();
            assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        Verification verification = done.verification().orElseThrow();
        assertThat(verification.mismatchedChunks()).as("every range compared at a point where both sides must be equal")
                .isZero();
        // How many match beside the copy under random writers is chance on MySQL 5.7, whose tries have no
        // lock to fall back on (none matched once in a loaded suite run); on an idle table every one must
        // match there (aRangeNoOneWritesToMatchesBesideTheCopyOnEveryServer).
        assertThat(verification.chunksDuringCopy()).as("ranges matched beside the copy (writers change some meanwhile:"
                + " those are compared under locks after it)").isLessThanOrEqualTo(copiedAtEachComparison.size());
        if (db.flavor() != Flavor.MYSQL_5_7) {
            assertThat(verification.chunksDuringCopy()).as("ranges matched beside the copy under their rows' locks").isPositive();
        }
        assertThat(verification.chunks()).as("the rest, above the copy's last range, compared after it")
                .isGreaterThan(verification.chunksDuringCopy());
        assertThat(copiedAtEachComparison.peek()).as("the first range was compared while rows were still being copied")
                .isLessThan(ROWS);
        assertThat(verification.durationDuringCopy()).isPositive();
        if (verification.chunksDuringCopy() > 0) { // always on MariaDB and MySQL 8.0 (above); by chance on 5.7
            assertThat(migration.snapshots()).as("the status says how much was compared during the copy")
                    .anySatisfy(progress -> assertThat(progress.message()).contains("of them during the copy"));
        }
        System.out.printf("[%s] checksum: %d of %d chunks compared during the copy (%d ms beside it), %d ms after it%n", db,
                verification.chunksDuringCopy(), verification.chunks(), verification.durationDuringCopy().toMillis(),
                verification.duration().toMillis());
    }

    /**
     * Without writers every range the copy finished matches beside it, on every server (MySQL 5.7
     * with its reads without locks too), and only the ranges above the copy's last one are left for
     * after it. A held row near the end keeps the copy going until the first range was compared.
     */
    @EveryFlavor
    void aRangeNoOneWritesToMatchesBesideTheCopyOnEveryServer(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        List<String> original = TableContents.rows(db, "items", COLUMNS);
        BackgroundMigration migration = migration(db);
        AtomicInteger triedBesideTheCopy = new AtomicInteger();
        Progress done;
        try (Connection holder = holdingRow(db, ROWS - 10)) {
            migration.runner().hooks().onPause(point -> {
                if (point == PausePoint.BEFORE_COMPARING_DURING_COPY && triedBesideTheCopy.incrementAndGet() == 1) {
                    synchronized (holder) {
                        holder.commit();
                    }
                }
            });
            done = migration.start().awaitEnd(TIMEOUT);
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(original);
        Verification verification = done.verification().orElseThrow();
        assertThat(triedBesideTheCopy.get()).as("ranges tried beside the copy").isPositive();
        assertThat(verification.chunksDuringCopy()).as("every range tried beside the copy matched there")
                .isEqualTo(triedBesideTheCopy.get());
        assertThat(verification.mismatchedChunks()).isZero();
    }

    /**
     * A writer keeps changing a row of the first range, so that comparing it without locks never
     * decides (the original changes between its two reads): it is compared under its rows' locks
     * beside the copy, within a short budget, and counts as matched there instead of waiting for
     * the checksum after the copy. A held row in the second copy chunk keeps the copy (and the
     * applier's work) at the first range until it has been compared.
     */
    @EveryFlavor
    void aRangeWritersKeepChangingIsComparedUnderLocksBesideTheCopy(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        BackgroundMigration migration = migration(db);
        AtomicInteger comparedBesideTheCopy = new AtomicInteger();
        CountDownLatch firstRangeTried = new CountDownLatch(1);
        migration.runner().hooks().onPause(point -> {
            if (point == PausePoint.BEFORE_COMPARING_DURING_COPY) {
                comparedBesideTheCopy.incrementAndGet();
                firstRangeTried.countDown();
            }
        });
        Progress done;
        try (RowChurn churn = new RowChurn(db, "items", "items_mirror", 5, Duration.ofMillis(2));
             Connection holder = holdingRow(db, CHUNK + CHUNK / 2)) {
            churn.start();
            migration.start();
            assertThat(firstRangeTried.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the first range tried").isTrue();
            // its comparison needs a few tens of milliseconds and at most the lock budget (0.5 s)
            Thread.sleep(2_000);
            assertThat(churn.changes()).as("the row changed while the copy was held").isGreaterThan(10);
            holder.commit();
            done = migration.awaitEnd(TIMEOUT);
            churn.close();
            assertThat(churn.failure()).as("no churn failed").isNull();
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
        Verification verification = done.verification().orElseThrow();
        assertThat(verification.mismatchedChunks()).isZero();
        if (db.flavor() == Flavor.MYSQL_5_7) {
            assertThat(verification.chunksDuringCopy()).as("5.7 has no lock that need not wait: the churned range is left"
                    + " for after the copy").isLessThan(comparedBesideTheCopy.get());
            assertThat(verification.longestLock()).as("its consistent point's table lock").isLessThan(Duration.ofSeconds(2));
            return;
        }
        assertThat(verification.chunksDuringCopy()).as("every range tried beside the copy matched there, the churned one"
                + " included").isEqualTo(comparedBesideTheCopy.get()).isPositive();
        assertThat(verification.longestLock()).as("held within the budget").isLessThan(Duration.ofSeconds(2));
    }

    /**
     * A ghost row changed behind the engine's back in a range the copy has finished, just before
     * that range is compared beside the copy: it does not match there, so it is compared under
     * locks after the copy, found different and copied again, and the table ends as it was.
     */
    @EveryFlavor
    void aRangeThatDiffersBesideTheCopyIsComparedAfterItAndCopiedAgain(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        List<String> original = TableContents.rows(db, "items", COLUMNS);
        BackgroundMigration migration = migration(db);
        AtomicBoolean corrupted = new AtomicBoolean();
        migration.runner().hooks().onPause(point -> {
            if (point == PausePoint.BEFORE_COMPARING_DURING_COPY && corrupted.compareAndSet(false, true)) {
                // the first range compared holds the first copied chunk: ids 1 to CHUNK
                db.execute("UPDATE _items_gho SET qty = qty + 1 WHERE id = 7", "DELETE FROM _items_gho WHERE id = 8");
            }
        });

        Progress done = migration.start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(original);
        Verification verification = done.verification().orElseThrow();
        assertThat(corrupted).isTrue();
        assertThat(verification.mismatchedChunks()).as("the corrupted range").isEqualTo(1);
        assertThat(verification.repairedChunks()).as("copied again once, after the copy").isEqualTo(1);
    }

    /** A session whose open transaction holds the row with {@code id} of {@code items} (FOR UPDATE). */
    private static Connection holdingRow(TestDatabase db, long id) throws SQLException {
        Connection holder = db.connect();
        holder.setAutoCommit(false);
        try (Statement holding = holder.createStatement()) {
            holding.executeQuery("SELECT id FROM items WHERE id = " + id + " FOR UPDATE").close();
        }
        return holder;
    }

    private static BackgroundMigration migration(TestDatabase db) {
        return new BackgroundMigration(Migrations.plan(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(CHUNK)
                        .withChunkTime(Duration.ZERO)));
    }
}
