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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * gh-ost's failure mode 1, the lost last write: a transaction whose row events are in the binary
 * log before the position the stream starts from, but whose rows are not yet visible to a
 * snapshot read when the copy reads them, is in neither the stream nor the copy.
 *
 * <p>The window is opened deterministically with an XA transaction: {@code XA PREPARE} writes the
 * transaction's row events to the binary log (before the position the migration then starts its
 * stream from) while its rows stay locked and invisible until {@code XA COMMIT} — the state every
 * ordinary commit passes through between its binlog write and its InnoDB commit, held open. At the
 * {@link PausePoint#BEFORE_RANGE_READ} pause point (stream live, key range not read), a committer
 * starts that commits the prepared transaction as soon as the engine waits for its locks, or, if
 * the engine never waits, once the copy is over. Locking reads wait and see the rows; snapshot
 * reads (gh-ost's) would miss them, and the stream only ever sees the {@code XA COMMIT}.
 */
class LostLastWriteTest {

    private static final int ROWS = 1_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long BLOCKED_MILLIS = 500;

    @EveryFlavor
    void aRowAboveTheRangeCommittedWhileTheRangeIsReadIsCopied(TestDatabase db) throws Exception {
        createTable(db);
        List<String> expected = new ArrayList<>(rows(db));
        expected.add("1001|late");

        Race race = race(db, "INSERT INTO t VALUES (1001, 'late')");

        assertThat(valueOf(db, 1001)).as("row 1001 after the cut-over").isEqualTo("late");
        assertThat(rows(db)).isEqualTo(expected);
        assertThat(race.engineWaited()).as("the engine's read waited for the prepared transaction").isTrue();
    }

    @EveryFlavor
    void changesInsideTheRangeCommittedWhileAChunkIsReadAreCopied(TestDatabase db) throws Exception {
        createTable(db);
        List<String> expected = new ArrayList<>(rows(db));
        expected.set(499, "500|late");
        expected.remove(9); // id 10

        Race race = race(db, "UPDATE t SET v = 'late' WHERE id = 500", "DELETE FROM t WHERE id = 10");

        assertThat(valueOf(db, 500)).as("row 500 after the cut-over").isEqualTo("late");
        assertThat(valueOf(db, 10)).as("row 10 after the cut-over").isNull();
        assertThat(rows(db)).isEqualTo(expected);
        assertThat(race.engineWaited()).as("the engine's read waited for the prepared transaction").isTrue();
    }

    /** Rows written above the range read at the start are never copied: the binlog brings them. */
    @EveryFlavor
    void rowsInsertedAboveTheInitialRangeArriveThroughTheBinlog(TestDatabase db) throws Exception {
        createTable(db);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN extra INT",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withChunkSize(100).withChunkTime(Duration.ZERO)));
        migration.runner().hooks().onPause(point -> {
            if (point == PausePoint.AFTER_RANGE_READ) {
                try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
                    for (int id = 1001; id <= 1050; id++) {
                        statement.execute("INSERT INTO t VALUES (" + id + ", 'above-" + id + "')");
                    }
                    statement.execute("UPDATE t SET v = 'changed' WHERE id = 1010");
                    statement.execute("DELETE FROM t WHERE id = 1020");
                }
            }
        });
        List<String> expected = new ArrayList<>(rows(db));
        for (int id = 1001; id <= 1050; id++) {
            if (id != 1020) {
                expected.add(id + "|" + (id == 1010 ? "changed" : "above-" + id));
            }
        }

        Progress done = migration.start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.rowsCopied()).as("rows copied: only those of the initial range").isEqualTo(ROWS);
        assertThat(done.eventsApplied()).as("binlog changes applied").isGreaterThanOrEqualTo(52);
        assertThat(rows(db)).isEqualTo(expected);
    }

    /** What happened in a race: whether the engine's locking read waited for the prepared transaction. */
    private record Race(boolean engineWaited) {
    }

    /**
     * Prepares an XA transaction with {@code statements}, migrates {@code t} and commits the
     * transaction while the copy reads the table, then cuts over.
     */
    private static Race race(TestDatabase db, String... statements) throws Exception {
        String xid = "'race-" + db.schema() + "'";
        try (Connection xa = db.connect(); Statement statement = xa.createStatement()) {
            statement.execute("XA START " + xid);
            for (String sql : statements) {
                statement.execute(sql);
            }
            statement.execute("XA END " + xid);
            statement.execute("XA PREPARE " + xid); // in the binary log now, not visible yet
            BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "t", "ADD COLUMN extra INT",
                    MigrationOptions.defaults().withInstantDdl(false).withChunkSize(100).withChunkTime(Duration.ZERO)));
            CompletableFuture<Boolean> committed = new CompletableFuture<>();
            migration.runner().hooks().onPause(point -> {
                if (point == PausePoint.BEFORE_RANGE_READ) {
                    Thread committer = new Thread(() -> commitWhenTheEngineWaits(db, migration, statement, xid, committed));
                    committer.setDaemon(true);
                    committer.start();
                }
            });
            try {
                migration.start().awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
                boolean waited = committed.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                migration.runner().control().approveCutOver();
                assertThat(migration.awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
                return new Race(waited);
            } finally {
                if (!committed.isDone()) {
                    migration.runner().control().abort("the test ended");
                    statement.execute("XA ROLLBACK " + xid); // a prepared transaction outlives its session
                }
            }
        }
    }

    /** Commits the prepared transaction once the engine waits for its locks, or once the copy is over. */
    private static void commitWhenTheEngineWaits(TestDatabase db, BackgroundMigration migration, Statement xa,
                                                 String xid, CompletableFuture<Boolean> committed) {
        try (Connection observer = db.connect()) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            boolean waited = false;
            Map<String, Long> firstSeen = new HashMap<>();
            while (System.nanoTime() < deadline) {
                if (engineWaitsForALock(observer, db.schema(), firstSeen)) {
                    waited = true;
                    break;
                }
                if (migration.runner().progress().phase() != Phase.COPYING
                        && migration.runner().progress().phase() != Phase.INSPECTING) {
                    break; // the copy ended without waiting: the rows it read did not include the prepared ones
                }
                Thread.sleep(10);
            }
            xa.execute("XA COMMIT " + xid);
            committed.complete(waited);
        } catch (Exception e) {
            committed.completeExceptionally(e);
        }
    }

    /**
     * Whether one of the engine's locking reads of {@code t} has been held back for a while: the
     * same statement of the same session seen in the processlist {@value #BLOCKED_MILLIS} ms apart
     * (lock-wait views differ between the flavors; this works on all of them). A read that waits
     * inside the server is seen all along; a chunk's read that refuses to wait (MySQL 8.0,
     * MariaDB) is seen each time it is tried again. The observer's own query, whose text holds
     * both patterns, is left out: before, it matched itself, and the check could not fail.
     */
    private static boolean engineWaitsForALock(Connection observer, String schema, Map<String, Long> firstSeen)
            throws SQLException {
        try (PreparedStatement statement = observer.prepareStatement(
                "SELECT ID, INFO FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?"
                        + " AND (INFO LIKE ? OR INFO LIKE ?)")) {
            statement.setString(1, "%FROM `" + schema + "`.`t`%");
            statement.setString(2, "%LOCK IN SHARE MODE%");
            statement.setString(3, "%FOR SHARE%");
            try (ResultSet row = statement.executeQuery()) {
                long now = System.nanoTime();
                while (row.next()) {
                    long since = firstSeen.computeIfAbsent(row.getLong(1) + " " + row.getString(2), key -> now);
                    if (now - since > BLOCKED_MILLIS * 1_000_000L) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void createTable(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (int id = 1; id <= ROWS; id++) {
                values.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'v").append(id).append("')");
            }
            statement.execute("INSERT INTO t VALUES " + values);
        }
    }

    /** Column v of row {@code id} of t, null if there is no such row. */
    private static String valueOf(TestDatabase db, int id) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT v FROM t WHERE id = " + id)) {
            return row.next() ? row.getString(1) : null;
        }
    }

    private static List<String> rows(TestDatabase db) throws SQLException {
        return TableContents.rows(db, "t", List.of("id", "v"));
    }
}
