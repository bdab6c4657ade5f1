package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
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
 * TIMESTAMP to DATETIME and back on a server whose time zone is not UTC: the server runs with
 * {@code time_zone = SYSTEM} in Central European time, daylight saving included (a POSIX TZ rule,
 * so no zoneinfo files are needed). The reference is the server's own ALTER, run by a client in the
 * server's time zone, on a mirror that received the same writes. Values sit around both changes of
 * 2024: the skipped hour in March (a DATETIME that does not exist locally) and the repeated hour
 * in October (two TIMESTAMPs with the same local wall time), written during the copy and while the
 * migration waits for its cut-over, so that both the copy and the binlog replay are compared.
 */
class TimeZoneConversionTest {

    /** Europe/Berlin's rule: CET, CEST from the last Sunday of March 02:00 to the last Sunday of October 03:00. */
    private static final String CENTRAL_EUROPE = "CET-1CEST,M3.5.0,M10.5.0/3";
    private static final String ALTER = "MODIFY ts DATETIME(3) NULL, MODIFY dt TIMESTAMP(3) NULL DEFAULT NULL";
    private static final String KEY_ALTER = "MODIFY k DATETIME(6) NOT NULL";
    private static final List<String> UTC_INSTANTS = List.of("2024-03-31 00:30:00.125", "2024-03-31 00:59:59.999",
            "2024-03-31 01:00:00.000", "2024-03-31 01:30:00.500", "2024-10-27 00:00:00.000", "2024-10-27 00:30:00.250",
            "2024-10-27 00:59:59.999", "2024-10-27 01:00:00.000", "2024-10-27 01:30:00.750", "2024-07-01 12:00:00.001",
            "1970-01-01 00:00:01.000", "2038-01-19 03:14:07.000");
    /** Every one exists in the zone (the skipped hour's are refused: see the next test); October's 02:xx twice. */
    private static final List<String> LOCAL_WALL_TIMES = List.of("2024-03-31 01:59:59.999",
            "2024-03-31 03:00:00.000", "2024-10-27 01:59:59.999", "2024-10-27 02:00:00.000",
            "2024-10-27 02:30:00.250", "2024-10-27 03:00:00.000", "2024-01-15 08:00:00.000", "2024-07-01 14:00:00.001");

    static Stream<Flavor> flavors() {
        return Flavor.selected().stream();
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavors")
    void timestampAndDatetimeSwapAsTheServersOwnAlterInItsTimeZone(Flavor flavor) throws Exception {
        DatabaseServer server = SharedServers.startPrivate(flavor, ServerOptions.defaults().inTimeZone(CENTRAL_EUROPE));
        try (TestDatabase db = TestDatabase.on(server)) {
            for (String table : List.of("t", "t_mirror")) {
                db.execute("CREATE TABLE " + table + " (id INT NOT NULL PRIMARY KEY, ts TIMESTAMP(3) NULL DEFAULT NULL,"
                        + " dt DATETIME(3) NULL)");
                db.execute("CREATE TABLE " + table.replace("t", "k") + " (k TIMESTAMP(6) NOT NULL DEFAULT '2000-01-01 00:00:00'"
                        + " PRIMARY KEY, v INT)"); // a default, or MySQL 5.7 sets it to NOW() on every update
            }
            inUtc(db, statement -> {
                for (int id = 0; id < 600; id++) {
                    String values = "(" + id + ", '" + UTC_INSTANTS.get(id % UTC_INSTANTS.size()) + "', '"
                            + LOCAL_WALL_TIMES.get(id % LOCAL_WALL_TIMES.size()) + "')";
                    statement.execute("INSERT INTO t VALUES " + values);
                    statement.execute("INSERT INTO t_mirror VALUES " + values);
                }
                // keys an hour apart, none in October's repeated hour (two of them would collide as DATETIME)
                for (int i = 0; i < 300; i++) {
                    String key = "TIMESTAMP('2024-10-26 12:00:00.000001') + INTERVAL " + (i < 12 ? i : i + 2) + " HOUR";
                    statement.execute("INSERT INTO k VALUES (" + key + ", " + i + ")");
                    statement.execute("INSERT INTO k_mirror VALUES (" + key + ", " + i + ")");
                }
            });

            Progress values = migrateUnderWrites(db, "t", ALTER, TimeZoneConversionTest::writeValues);
            Progress keys = migrateUnderWrites(db, "k", KEY_ALTER, TimeZoneConversionTest::writeKeys);

            // the reference: the server's own ALTER by a client in the server's time zone (no SET time_zone)
            db.execute("ALTER TABLE t_mirror " + ALTER, "ALTER TABLE k_mirror " + KEY_ALTER);
            List<String> migrated = TableContents.rows(db, "t", List.of("id", "ts", "dt"));
            List<String> reference = TableContents.rows(db, "t_mirror", List.of("id", "ts", "dt"));
            System.out.printf("[%s] %d rows, %d changes applied; keyed table %d changes applied; e.g. %s%n", flavor.id(),
                    migrated.size(), values.eventsApplied(), keys.eventsApplied(), migrated.get(3));
            assertThat(values.phase()).isEqualTo(Phase.DONE);
            assertThat(values.eventsApplied()).isGreaterThan(0);
            assertThat(keys.eventsApplied()).isGreaterThan(0);
            assertThat(migrated).isEqualTo(reference);
            assertThat(TableContents.rows(db, "k", List.of("k", "v"))).isEqualTo(TableContents.rows(db, "k_mirror", List.of("k", "v")));
            assertThat(TableContents.createStatement(db, "t")).contains("`ts` datetime(3)").contains("`dt` timestamp(3)");
        } finally {
            server.kill();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("flavors")
    void aWallTimeTheZoneSkipsFailsTheMigrationAsItFailsTheServersOwnAlter(Flavor flavor) throws Exception {
        DatabaseServer server = SharedServers.startPrivate(flavor, ServerOptions.defaults().inTimeZone(CENTRAL_EUROPE));
        try (TestDatabase db = TestDatabase.on(server)) {
            for (String table : List.of("t", "t_copy")) {
                db.execute("CREATE TABLE " + table + " (id INT NOT NULL PRIMARY KEY, dt DATETIME(3) NULL)",
                        "INSERT INTO " + table + " VALUES (1, '2024-03-31 01:59:59.999'), (2, '2024-03-31 02:30:00.500'),"
                                + " (3, '2024-03-31 03:00:00.000')");
            }
            String before = TableContents.createStatement(db, "t");

            assertThatThrownBy(() -> db.execute("ALTER TABLE t_copy MODIFY dt TIMESTAMP(3) NULL DEFAULT NULL"))
                    .as("the server's own ALTER").hasMessageContaining("2024-03-31 02:30:00.5");
            assertThatThrownBy(() -> new MigrationRunner(Migrations.plan(db, "t", "MODIFY dt TIMESTAMP(3) NULL DEFAULT NULL"),
                    ProgressListener.NONE).run())
                    .hasMessageContaining("1 row(s) of `t` hold a `dt` that does not exist in the server's time zone SYSTEM");

            assertThat(TableContents.tables(db)).containsExactlyInAnyOrder("t", "t_copy");
            assertThat(TableContents.createStatement(db, "t")).isEqualTo(before);
        } finally {
            server.kill();
        }
    }

    private interface Writes {
        void write(Statement statement, ThreadLocalRandom random, long step) throws SQLException;
    }

    private static Progress migrateUnderWrites(TestDatabase db, String table, String alter, Writes writes) throws Exception {
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, table, alter,
                MigrationOptions.defaults().withInstantDdl(false).withChunkSize(100).withChunkTime(Duration.ZERO)));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong count = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                inUtc(db, statement -> {
                    while (writing.get()) {
                        statement.getConnection().setAutoCommit(false);
                        writes.write(statement, ThreadLocalRandom.current(), count.incrementAndGet());
                        statement.getConnection().commit();
                        statement.getConnection().setAutoCommit(true);
                        Thread.sleep(1);
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "time-zone-writer");
        writer.start();
        try {
            migration.start();
            migration.awaitPhase(Phase.AWAITING_CUT_OVER, Duration.ofSeconds(60));
            Thread.sleep(300);
        } finally {
            // Stopped before the cut-over is approved: the mirror is altered natively afterwards, and a
            // write after the swap would compare its literal key with the new type in one table and the
            // old in the other (seen: a DELETE after the swap removed different rows from the two).
            writing.set(false);
            writer.join();
        }
        migration.runner().control().approveCutOver();
        Progress done = migration.awaitEnd(Duration.ofSeconds(60));
        assertThat(count.get()).isGreaterThan(20);
        return done;
    }

    private static void writeValues(Statement statement, ThreadLocalRandom random, long step) throws SQLException {
        int id = random.nextInt(700);
        String ts = "'" + UTC_INSTANTS.get(random.nextInt(UTC_INSTANTS.size())) + "'";
        String dt = "'" + LOCAL_WALL_TIMES.get(random.nextInt(LOCAL_WALL_TIMES.size())) + "'";
        String change = switch (random.nextInt(3)) {
            case 0 -> "REPLACE INTO %s VALUES (" + id + ", " + ts + ", " + dt + ")";
            case 1 -> "UPDATE %s SET ts = " + ts + ", dt = " + dt + " WHERE id = " + id;
            default -> "DELETE FROM %s WHERE id = " + id;
        };
        for (String table : List.of("t", "t_mirror")) {
            statement.execute(String.format(change, table));
        }
    }

    private static void writeKeys(Statement statement, ThreadLocalRandom random, long step) throws SQLException {
        int hour = random.nextInt(320);
        String key = "TIMESTAMP('2024-10-26 12:00:00.000001') + INTERVAL " + (hour < 12 ? hour : hour + 2) + " HOUR";
        String change = switch (random.nextInt(3)) {
            case 0 -> "REPLACE INTO %s VALUES (" + key + ", " + step + ")";
            case 1 -> "UPDATE %s SET v = " + step + " WHERE k = " + key;
            default -> "DELETE FROM %s WHERE k = " + key;
        };
        for (String table : List.of("k", "k_mirror")) {
            statement.execute(String.format(change, table));
        }
    }

    private interface StatementWork {
        void run(Statement statement) throws Exception;
    }

    /** TIMESTAMP literals are UTC instants in these sessions; DATETIME literals are wall times anyway. */
    private static void inUtc(TestDatabase db, StatementWork work) throws Exception {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00'");
            work.run(statement);
        }
    }
}
