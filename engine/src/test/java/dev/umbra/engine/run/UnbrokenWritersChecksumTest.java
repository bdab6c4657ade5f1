package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.RelayWriters;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

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
        try (RelayWriters writers = new RelayWriters(db, () -> "w" + (1 + ThreadLocalRandom.current().nextInt(ROWS)),
                "UPDATE words SET n = n + 1 WHERE w = ?", "UPDATE words_mirror SET n = n + 1 WHERE w = ?")) {
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
}
