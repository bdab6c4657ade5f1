package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.RandomTableCase;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The row path as a property: for a random table (types, character sets and collations,
 * nullability, keys of one or two columns), a random ALTER the server accepts, and random writes
 * (inserts, updates of values and keys, deletes) during the copy and while the migration waits for
 * its cut-over, Umbra's result equals what the server's own ALTER makes of a mirror that received
 * the same writes: the same definition and the same rows, compared as text.
 *
 * <p>The suite runs the same {@value #SUITE_SEEDS} seeds per server every time, so that a red run is
 * the change's doing. More: {@code -Dumbra.property.seeds=200 -Dumbra.property.first=N} (any start);
 * one case again: {@code -Dumbra.property.seed=N}, the seed every failure names (see docs/testing.md).
 */
class RowPathPropertyTest {

    private static final int SUITE_SEEDS = 2;

    static Stream<Arguments> cases() {
        String single = System.getProperty("umbra.property.seed");
        int count = Integer.getInteger("umbra.property.seeds", SUITE_SEEDS);
        long first = single != null ? Long.parseLong(single) : Long.getLong("umbra.property.first", 1);
        List<Long> seeds = single != null ? List.of(first) : LongStream.range(first, first + count).boxed().toList();
        return Flavor.selected().stream().flatMap(flavor -> seeds.stream().map(seed -> Arguments.of(flavor, seed)));
    }

    @ParameterizedTest(name = "[{0}] seed {1}")
    @MethodSource("cases")
    void umbraMakesWhatTheServersOwnAlterMakes(Flavor flavor, long seed) throws Exception {
        RandomTableCase tableCase = new RandomTableCase(seed);
        try (TestDatabase db = new TestDatabase(flavor)) {
            db.execute(tableCase.createTable("t"), tableCase.createTable("t_mirror"));
            RandomGenerator random = new SplittableRandom(seed);
            try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
                for (int i = 0; i < 400; i++) {
                    String insert = "INSERT IGNORE INTO %s VALUES (" + tableCase.randomValues(random, tableCase.columns().size()) + ")";
                    statement.execute(String.format(insert, "t"));
                    statement.execute(String.format(insert, "t_mirror"));
                }
            }
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", tableCase.alter(),
                    MigrationOptions.defaults().withInstantDdl(false).withChunkSize(40).withChunkTime(Duration.ZERO)));
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong writes = new AtomicLong();
            AtomicReference<Exception> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> write(db, tableCase, new SplittableRandom(seed + 1), writing, writes, writerFailure), "random-writer");
            writer.start();
            Progress done;
            try {
                migration.start();
                migration.awaitPhase(Phase.AWAITING_CUT_OVER, Duration.ofSeconds(60));
                Thread.sleep(200);
            } finally {
                // Before the approval: a write after the swap would reach the new types in one table and
                // the old in the other, as TimeZoneConversionTest saw.
                writing.set(false);
                writer.join();
            }
            migration.runner().control().approveCutOver();
            done = migration.awaitEnd(Duration.ofSeconds(60));
            db.execute("ALTER TABLE t_mirror " + tableCase.alter());

            System.out.printf("[%s] %s -> %d writes, %d changes applied%n", flavor.id(), tableCase, writes.get(), done.eventsApplied());
            assertThat(writerFailure.get()).as(tableCase.toString()).isNull();
            assertThat(done.phase()).as(tableCase.toString()).isEqualTo(Phase.DONE);
            assertThat(definition(db, "t")).as(tableCase.toString()).isEqualTo(definition(db, "t_mirror"));
            assertThat(sortedRows(db, "t")).as(tableCase.toString()).isEqualTo(sortedRows(db, "t_mirror"));
        }
    }

    private static void write(TestDatabase db, RandomTableCase tableCase, RandomGenerator random, AtomicBoolean writing, AtomicLong writes,
                              AtomicReference<Exception> failure) {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            while (writing.get()) {
                String change = tableCase.randomWrite(random);
                connection.setAutoCommit(false);
                statement.execute(String.format(change, "t"));
                statement.execute(String.format(change, "t_mirror"));
                connection.commit();
                connection.setAutoCommit(true);
                writes.incrementAndGet();
                Thread.sleep(1);
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    /** SHOW CREATE TABLE without the name and the AUTO_INCREMENT counter. */
    private static String definition(TestDatabase db, String table) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW CREATE TABLE `" + table + "`")) {
            row.next();
            return row.getString(2).replace("`" + table + "`", "`?`").replaceAll(" AUTO_INCREMENT=\\d+", "");
        }
    }

    private static List<String> sortedRows(TestDatabase db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT * FROM `" + table + "`")) {
            int columns = row.getMetaData().getColumnCount();
            while (row.next()) {
                StringBuilder text = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    text.append(i > 1 ? "|" : "").append(row.getString(i));
                }
                rows.add(text.toString());
            }
        }
        rows.sort(String::compareTo);
        return rows;
    }
}
