package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * gh-ost's failure mode 2: a unique key the new table has and the old one had not silently drops
 * rows that collide on it ({@code INSERT IGNORE} in the copy, {@code REPLACE} in the applier). Umbra
 * refuses duplicates it can see before copying (see {@code InspectionRefusalTest}); these tests
 * cover duplicates it cannot see then: written while the migration runs, or made by the ALTER
 * itself. Each must fail the migration before the cut-over, naming the key and the value, with
 * the original table intact and every row in it.
 */
class UniqueKeyTest {

    /**
     * Generous: under the value-moving writer, reaching AwaitingCutOver includes settling held rows
     * and the checksum before cut-over, which waits for the applier to catch up; on a loaded 2-core
     * machine that took up to ~70 s. Only a failing run waits this long.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final List<String> COLUMNS = List.of("id", "email", "n");
    private static final String ADD_UNIQUE = "ADD UNIQUE KEY uk_email (email)";
    private static final int MOVING_ROWS = 1_000;

    @EveryFlavor
    void aUniqueKeyOverDistinctValuesIsAdded(TestDatabase db) throws Exception {
        createTable(db, 300);
        db.execute("UPDATE t SET email = NULL WHERE id IN (5, 6)"); // NULLs never collide
        List<String> before = TableContents.rows(db, "t", COLUMNS);

        Progress done = new MigrationRunner(Migrations.plan(db, "t", ADD_UNIQUE,
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(50).withChunkTime(Duration.ZERO)), progress -> { }).run();

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.createStatement(db, "t")).contains("UNIQUE KEY `uk_email`");
        assertThat(TableContents.rows(db, "t", COLUMNS)).isEqualTo(before);
    }

    /**
     * Values that move from row to row while the migration runs are no duplicates: swaps inside a
     * transaction, and a value taken by another row in the next transaction. The copy (which reads
     * current rows) and the applier (which writes older images) then see short-lived collisions;
     * the migration must ride them out and end with exactly the table's rows.
     */
    @EveryFlavor
    void valuesMovingBetweenRowsDoNotFailTheMigration(TestDatabase db) throws Exception {
        createTable(db, MOVING_ROWS);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", ADD_UNIQUE,
                MigrationOptions.defaults().withInstantDdl(false).withChunkSize(50).withChunkTime(Duration.ZERO)));
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong moves = new java.util.concurrent.atomic.AtomicLong();
        Thread writer = new Thread(() -> moveValues(db, writing, moves));
        writer.start();
        try {
            // The values move through the copy and the settling of collisions. The writer stops when
            // the checksum begins: its consistent point needs an applier that catches up, and this
            // writer (thousands of moves a second, each a collision) outruns the applier on MariaDB.
            migration.start().await("the checksum", progress -> progress.stage().startsWith("Verifying")
                    || progress.phase() == Phase.AWAITING_CUT_OVER, TIMEOUT);
        } finally {
            writing.set(false);
            writer.join();
        }
        migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
        migration.runner().control().approveCutOver();

        Progress done = migration.awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(moves.get()).isGreaterThan(20);
        assertThat(TableContents.rows(db, "t", COLUMNS)).isEqualTo(TableContents.rows(db, "_t_del", COLUMNS));
    }

    /** Swaps the emails of two rows in one transaction, or gives a row's email to another in the next. */
    private static void moveValues(TestDatabase db, java.util.concurrent.atomic.AtomicBoolean writing,
                                   java.util.concurrent.atomic.AtomicLong moves) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            while (writing.get()) {
                int a = 1 + random.nextInt(MOVING_ROWS);
                int b = 1 + random.nextInt(MOVING_ROWS);
                if (a == b) {
                    continue;
                }
                statement.execute("SET @a = (SELECT email FROM t WHERE id = " + a + "), @b = (SELECT email FROM t WHERE id = "
                        + b + ")");
                if (random.nextBoolean()) {
                    connection.setAutoCommit(false); // a swap: a duplicate only inside the transaction
                    statement.execute("UPDATE t SET email = @b WHERE id = " + a);
                    statement.execute("UPDATE t SET email = @a WHERE id = " + b);
                    connection.commit();
                    connection.setAutoCommit(true);
                } else { // a hand-over: never a duplicate
                    statement.execute("UPDATE t SET email = 'moved-" + moves.get() + "@example.com' WHERE id = " + a);
                    statement.execute("UPDATE t SET email = @a WHERE id = " + b);
                }
                moves.incrementAndGet();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The applier path: a duplicate inserted after the copy arrives through the binlog. */
    @EveryFlavor
    void aDuplicateWrittenWhileAwaitingTheCutOverFailsTheMigration(TestDatabase db) throws Exception {
        createTable(db, 300);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", ADD_UNIQUE,
                MigrationOptions.defaults().withInstantDdl(false).withChunkSize(50).withChunkTime(Duration.ZERO))).start();
        migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);

        db.execute("INSERT INTO t VALUES (1000, 'user7@example.com', 1000)");
        migration.runner().control().approveCutOver();

        // The approval can reach the runner before the applier has read the row: the collision is
        // then found by the last drain under the cut-over lock, which gives the attempt up before
        // the rename. Either way the tables are never swapped.
        assertFailedNamingTheKey(db, migration, "user7@example.com", 1);
    }

    /**
     * The copy path: at {@link PausePoint#AFTER_RANGE_READ} a row the copy has not reached is
     * changed to duplicate row 7, and the applier writes it to the ghost table; then the copy
     * reaches row 7.
     */
    @EveryFlavor
    void aDuplicateWrittenDuringTheCopyFailsTheMigration(TestDatabase db) throws Exception {
        createTable(db, 300);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", ADD_UNIQUE,
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(50).withChunkTime(Duration.ZERO)));
        migration.runner().hooks().onPause(point -> {
            if (point == PausePoint.AFTER_RANGE_READ) {
                db.execute("UPDATE t SET email = 'user7@example.com' WHERE id = 290");
                awaitGhostRow(db, 290, "user7@example.com");
            }
        });
        migration.start();

        assertFailedNamingTheKey(db, migration, "user7@example.com", 0);
    }

    /**
     * The ALTER makes two distinct values equal: DATETIME(6) to DATETIME rounds (MySQL) or
     * truncates (MariaDB) 10:00:00.1 and 10:00:00.2 to the same second, which the existing unique
     * key then rejects. The duplicate check groups the old values and cannot see it; the copy can.
     */
    @EveryFlavor
    void narrowingAColumnTypeSoThatValuesCollideFailsTheMigration(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, at DATETIME(6) NOT NULL, UNIQUE KEY uk_at (at))",
                "INSERT INTO t VALUES (1, '2024-01-01 09:00:00'), (2, '2024-01-01 10:00:00.100000'),"
                        + " (3, '2024-01-01 10:00:00.200000'), (4, '2024-01-01 11:00:00')");
        List<String> before = TableContents.rows(db, "t", List.of("id", "at"));
        String definition = TableContents.createStatement(db, "t");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "MODIFY at DATETIME NOT NULL",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true))).start();

        MigrationFailedException failure = catchThrowableOfType(MigrationFailedException.class,
                () -> migration.awaitEnd(TIMEOUT));

        assertThat(TableContents.rows(db, "t", List.of("id", "at"))).as("rows of t afterwards").isEqualTo(before);
        assertThat(failure).as("the migration must fail, not drop a row").isNotNull();
        assertThat(failure.getMessage()).contains("`uk_at`").doesNotContain("2024-01-01 10:00:00");
        assertThat(failure.kind()).isEqualTo(FailureKind.DUPLICATE_KEY);
        assertThat(migration.runner().progress().cutOverAttempts()).isZero();
        assertThat(TableContents.createStatement(db, "t")).isEqualTo(definition);
        assertThat(TableContents.tables(db)).containsExactly("t");
    }

    private static void assertFailedNamingTheKey(TestDatabase db, BackgroundMigration migration, String value,
                                                       int maxCutOverAttempts) throws Exception {
        MigrationFailedException failure = catchThrowableOfType(MigrationFailedException.class,
                () -> migration.awaitEnd(TIMEOUT));
        assertThat(count(db, "SELECT COUNT(*) FROM t WHERE email = '" + value + "'"))
                .as("rows of t with the duplicate value afterwards").isEqualTo(2);
        assertThat(failure).as("the migration must fail, not drop a row").isNotNull();
        // The key is named; the value is data and stays out of the message (it reaches status and Events).
        assertThat(failure.getMessage()).contains("`uk_email`").doesNotContain(value);
        assertThat(migration.runner().progress().failure()).contains(FailureKind.DUPLICATE_KEY);
        assertThat(migration.runner().progress().phase()).isEqualTo(Phase.FAILED);
        assertThat(migration.runner().progress().cutOverAttempts()).isLessThanOrEqualTo(maxCutOverAttempts);
        assertThat(TableContents.createStatement(db, "t")).doesNotContain("uk_email");
        assertThat(TableContents.tables(db)).containsExactly("t");
    }

    private static void createTable(TestDatabase db, int rows) throws SQLException {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, email VARCHAR(64) NULL, n INT NOT NULL) ENGINE=InnoDB");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (int id = 1; id <= rows; id++) {
                values.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'user").append(id)
                        .append("@example.com', ").append(id).append(")");
            }
            statement.execute("INSERT INTO t VALUES " + values);
        }
    }

    private static void awaitGhostRow(TestDatabase db, int id, String email) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (count(db, "SELECT COUNT(*) FROM _t_gho WHERE id = " + id + " AND email = '" + email + "'") == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the applier did not write row " + id + " to the ghost table");
            }
            Thread.sleep(10);
        }
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
