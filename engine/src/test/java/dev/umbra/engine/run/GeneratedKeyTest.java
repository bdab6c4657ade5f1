package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A primary key over a STORED generated column (MySQL; MariaDB allows no generated column in a
 * primary key). Neither the copy nor the applier writes the column, yet it identifies rows: the
 * copy orders and bounds its chunks by it, the applier finds rows by the values the binlog carries.
 * Under concurrent inserts, updates that move a row to another key, and deletes, the migrated
 * table must equal a mirror that received the same writes.
 */
class GeneratedKeyTest {

    private static final List<String> COLUMNS = List.of("a", "b", "k", "v");

    static Stream<Flavor> mysqlFlavors() {
        return Flavor.selected().stream().filter(flavor -> !flavor.isMariaDb());
    }

    @ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
    @MethodSource("mysqlFlavors")
    void aStoredGeneratedPrimaryKeyIdentifiesRowsUnderWrites(Flavor flavor) throws Exception {
        try (TestDatabase db = new TestDatabase(flavor)) {
            for (String table : List.of("t", "t_mirror")) {
                db.execute("CREATE TABLE " + table + " (a INT NOT NULL, b INT NOT NULL,"
                        + " k BIGINT AS (a * 100000 + b) STORED NOT NULL, v VARCHAR(20), PRIMARY KEY (k))");
                db.execute("INSERT INTO " + table + " (a, b, v) SELECT s.n DIV 100, s.n MOD 100, CONCAT('v', s.n) FROM"
                        + " (SELECT a.i * 100 + b.i * 10 + c.i AS n FROM (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3"
                        + " UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) a,"
                        + " (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6"
                        + " UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) b, (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3"
                        + " UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) c) s");
            }
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN note VARCHAR(10)",
                    MigrationOptions.defaults().withInstantDdl(false).withChunkSize(50).withChunkTime(Duration.ZERO)));
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> write(db, writing, writes), "mirrored-writer");
            writer.start();
            Progress done;
            try {
                migration.start();
                migration.awaitPhase(Phase.AWAITING_CUT_OVER, Duration.ofSeconds(60));
                Thread.sleep(300); // writes now reach the ghost only through the binlog
                migration.runner().control().approveCutOver();
                done = migration.awaitEnd(Duration.ofSeconds(60));
            } finally {
                writing.set(false);
                writer.join();
            }

            System.out.printf("[%s] generated key: %d rows copied, %d changes applied, %d mirrored writes%n", flavor.id(),
                    done.rowsCopied(), done.eventsApplied(), writes.get());
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(writes.get()).isGreaterThan(50);
            assertThat(done.eventsApplied()).isGreaterThan(0);
            assertThat(TableContents.createStatement(db, "t")).contains("`note` varchar(10)").contains("PRIMARY KEY (`k`)");
            assertThat(TableContents.rows(db, "t", COLUMNS)).isEqualTo(TableContents.rows(db, "t_mirror", COLUMNS));
        }
    }

    @ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
    @MethodSource("mysqlFlavors")
    void aGeneratedKeyWhoseValueTheAlterChangesIsNotUsedToIdentifyRows(Flavor flavor) throws Exception {
        try (TestDatabase db = new TestDatabase(flavor)) {
            db.execute("CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, k BIGINT AS (a * 100000 + b) STORED NOT NULL,"
                    + " PRIMARY KEY (k))", "INSERT INTO t (a, b) VALUES (1, 2), (3, 4)");
            String before = TableContents.createStatement(db, "t");

            assertThatThrownBy(() -> new MigrationRunner(Migrations.plan(db, "t", "MODIFY a SMALLINT NOT NULL",
                    MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)), ProgressListener.NONE).run())
                    .hasMessageContaining("No primary key or NOT NULL unique key");
            assertThat(TableContents.tables(db)).containsExactly("t");
            assertThat(TableContents.createStatement(db, "t")).isEqualTo(before);
        }
    }

    private static void write(TestDatabase db, AtomicBoolean writing, AtomicLong writes) {
        int next = 10_000;
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            while (writing.get()) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int a = random.nextInt(10);
                int b = random.nextInt(100);
                String[] change = switch (random.nextInt(4)) {
                    case 0 -> new String[] {"INSERT IGNORE INTO %s (a, b, v) VALUES (" + (next / 100) + ", " + (next++ % 100) + ", 'new')"};
                    case 1 -> new String[] {"UPDATE %s SET v = 'changed" + random.nextInt(1000) + "' WHERE a = " + a + " AND b = " + b};
                    // moves the row to another key: a delete and an insert as the key sees it
                    case 2 -> new String[] {"UPDATE IGNORE %s SET a = a + 20 WHERE a = " + a + " AND b = " + b};
                    default -> new String[] {"DELETE FROM %s WHERE a = " + a + " AND b = " + b};
                };
                connection.setAutoCommit(false);
                for (String table : List.of("t", "t_mirror")) {
                    statement.execute(String.format(change[0], table));
                }
                connection.commit();
                connection.setAutoCommit(true);
                writes.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
