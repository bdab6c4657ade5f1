package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.RelayWriters;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child table whose foreign keys change its rows when the parent changes (ON DELETE CASCADE,
 * SET NULL, ON UPDATE CASCADE). The server writes only the parent's change to the binlog, so
 * Umbra must make the cascade to the new table itself. The reference is a mirror table with the
 * same foreign keys to the same parents: the server cascades into it as into the original.
 */
class CascadingForeignKeysTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note", "owner_id", "team");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * Parents change once the copy is done, so only the binlog replay can carry the cascades: rows
     * deleted, keys set to NULL, keys renamed (a case-only rename of a case-insensitive text key
     * and a key a deleted parent had included), in one transaction with the child's own changes.
     */
    @EveryFlavor
    void everyCascadeAfterTheCopyReachesTheNewTable(TestDatabase db) throws Exception {
        createTables(db, 600);
        String constraintsBefore = constraintsOf(db, "items");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false)));
        migration.start().awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);

        db.execute("DELETE FROM owners WHERE id IN (3, 4)",
                "UPDATE owners SET id = 103 WHERE id = 5",
                "UPDATE owners SET name = 'renamed' WHERE id = 7",
                "INSERT INTO owners (id, name) VALUES (3, 'again')",
                "UPDATE owners SET id = 4 WHERE id = 6",
                "DELETE FROM teams WHERE code = 't2'",
                "UPDATE teams SET code = 'T3' WHERE code = 't3'",
                "UPDATE teams SET code = 't40' WHERE code = 't4'");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("UPDATE items SET qty = qty + 1000 WHERE owner_id = 8");
            statement.execute("UPDATE items_mirror SET qty = qty + 1000 WHERE owner_id = 8");
            statement.execute("DELETE FROM owners WHERE id = 8");
            statement.execute("INSERT INTO owners (id, name) VALUES (8, 'new')");
            statement.execute("UPDATE items SET owner_id = 8 WHERE id IN (1, 3)");
            statement.execute("UPDATE items_mirror SET owner_id = 8 WHERE id IN (1, 3)");
            connection.commit();
        }
        Thread.sleep(500);
        migration.runner().control().approveCutOver();
        Progress done = migration.awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        List<String> columns = new java.util.ArrayList<>(COLUMNS);
        columns.add("touched");
        List<String> migrated = TableContents.rows(db, "items", columns);
        assertThat(migrated).isEqualTo(TableContents.rows(db, "items_mirror", columns));
        System.out.printf("[%s] cascades after the copy: %d rows equal the mirror's%n", db, migrated.size());
        assertThat(count(db, "SELECT COUNT(*) FROM items_mirror")).as("rows left after the cascaded deletes").isLessThan(600);
        assertThat(count(db, "SELECT COUNT(*) FROM items WHERE owner_id = 103")).as("rows of the renamed owner").isPositive();
        assertThat(count(db, "SELECT COUNT(*) FROM items WHERE touched <> '2001-01-01 00:00:00' AND id NOT IN (1, 3)"))
                .as("rows whose ON UPDATE CURRENT_TIMESTAMP column a cascade changed").isZero();
        assertThat(constraintsOf(db, "items")).isEqualTo(constraintsBefore);
        assertNoOrphans(db);
    }

    /**
     * Parents and rows change throughout the migration, copy and checksum included. The checksum
     * must find nothing to copy again: every difference it would repair is a cascade Umbra missed.
     */
    @EveryFlavor
    void cascadesUnderWritesThroughoutTheMigrationLeaveNothingForTheChecksumToRepair(TestDatabase db) throws Exception {
        createTables(db, 3_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withChunkTime(Duration.ZERO).withChunkSize(200)));
        ParentWriter parents = new ParentWriter(db);
        Progress done;
        try (parents) {
            parents.start();
            migration.start().awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            Thread.sleep(300);
            migration.runner().control().approveCutOver();
            done = migration.awaitEnd(TIMEOUT);
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        System.out.printf("[%s] parents during the migration: %d deleted, %d keys changed, %d rows pointed at parents%n", db,
                parents.deleted.get(), parents.renamed.get(), parents.assigned.get());
        assertThat(parents.errors).isEmpty();
        assertThat(parents.deleted.get()).isPositive();
        assertThat(parents.renamed.get()).isPositive();
        assertThat(done.verification()).isPresent();
        assertThat(done.verification().get().mismatchedChunks()).as("chunks the checksum had to copy again").isZero();
        List<String> migrated = TableContents.rows(db, "items", COLUMNS);
        assertThat(migrated).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
        System.out.printf("[%s] cascades throughout: %d rows equal the mirror's, checksum repaired %d chunks%n", db,
                migrated.size(), done.verification().get().mismatchedChunks());
        assertNoOrphans(db);
    }

    /**
     * items and items_mirror with the same foreign keys to owners (ON DELETE CASCADE ON UPDATE
     * CASCADE) and teams (a case-insensitive text key in a collation that is no server's default:
     * ON DELETE SET NULL ON UPDATE CASCADE), and an ON UPDATE CURRENT_TIMESTAMP column.
     */
    /**
     * The cut-over locks the cascading parents with the table, so that no cascade slips past it. A
     * read lock that is waited for lets the parent's new writers pass: on MySQL 5.7, under writers
     * that never leave the parent free of an open transaction, it was never granted and every
     * attempt timed out. After 3 such attempts the parents are locked for writing, which their new
     * writers queue behind; the cut-over goes through and no writer fails. (MariaDB 11.4 and MySQL
     * 8.0 granted the whole LOCK TABLES at once in these runs.)
     */
    @EveryFlavor
    void theCutOverGetsItsLocksWhileTheParentIsNeverFreeOfWriters(TestDatabase db) throws Exception {
        createTables(db, 600);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withCutOverMaxAttempts(8)));
        migration.start().awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
        Progress done;
        try (RelayWriters writers = new RelayWriters(db, () -> 1 + ThreadLocalRandom.current().nextInt(40),
                "UPDATE owners SET name = CONCAT('w', LEFT(name, 10)) WHERE id = ?")) {
            Thread.sleep(300);
            migration.runner().control().approveCutOver();
            done = migration.awaitEnd(TIMEOUT);
            writers.close();
            assertThat(writers.errors()).as("no parent writer failed").isEmpty();
            assertThat(writers.committed()).isPositive();
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        if (db.flavor() == Flavor.MYSQL_5_7) {
            assertThat(done.cutOverAttempts()).as("3 attempts under parent read locks, then under write locks")
                    .isGreaterThan(3);
        }
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
        System.out.printf("[%s] cut-over beside parents never free of writers: %d attempts%n", db, done.cutOverAttempts());
    }

    private static void createTables(TestDatabase db, int rows) throws SQLException {
        SampleTable.create(db::connect, "items", rows);
        db.execute("CREATE TABLE owners (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB",
                "INSERT INTO owners (id, name) SELECT id, 'owner' FROM items WHERE id <= 40",
                "CREATE TABLE teams (code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO teams (code) SELECT CONCAT('t', id) FROM items WHERE id <= 10");
        for (String table : List.of("items", "items_mirror")) {
            db.execute("ALTER TABLE " + table + " ADD COLUMN owner_id INT NULL,"
                            + " ADD COLUMN team VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,"
                            + " ADD COLUMN touched TIMESTAMP NOT NULL DEFAULT '2001-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP,"
                            + " ADD CONSTRAINT fk_" + table + "_owner FOREIGN KEY (owner_id) REFERENCES owners (id)"
                            + " ON DELETE CASCADE ON UPDATE CASCADE,"
                            + " ADD CONSTRAINT fk_" + table + "_team FOREIGN KEY (team) REFERENCES teams (code)"
                            + " ON DELETE SET NULL ON UPDATE CASCADE",
                    "UPDATE " + table + " SET owner_id = id % 40 + 1, touched = touched WHERE id % 2 = 0",
                    "UPDATE " + table + " SET team = CONCAT('t', id % 10 + 1), touched = touched WHERE id % 3 = 0");
        }
    }

    private static void assertNoOrphans(TestDatabase db) throws SQLException {
        assertThat(count(db, "SELECT COUNT(*) FROM items i LEFT JOIN owners o ON o.id = i.owner_id"
                + " WHERE i.owner_id IS NOT NULL AND o.id IS NULL")).as("rows of a deleted owner").isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM items i LEFT JOIN teams t ON t.code = i.team"
                + " WHERE i.team IS NOT NULL AND t.code IS NULL")).as("rows of a deleted team").isZero();
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    /** The table's constraints as SHOW CREATE TABLE prints them. */
    private static String constraintsOf(TestDatabase db, String table) throws SQLException {
        return TableContents.createStatement(db, table).lines().map(String::trim).filter(line -> line.startsWith("CONSTRAINT"))
                .map(line -> line.replaceAll(",$", "")).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /**
     * Deletes owners and teams that rows use, gives them new keys (never one used before), adds
     * new ones and points rows of both tables at them, and inserts, updates and deletes rows of
     * both tables, each in one transaction. One thread: the server cascades into the two tables in
     * its own order, so two writers would deadlock each other, which says nothing about Umbra.
     */
    private static final class ParentWriter implements AutoCloseable {
        private final TestDatabase db;
        private final List<String> errors = new CopyOnWriteArrayList<>();
        private final AtomicInteger deleted = new AtomicInteger();
        private final AtomicInteger renamed = new AtomicInteger();
        private final AtomicInteger assigned = new AtomicInteger();
        private volatile boolean running = true;
        private Thread thread;

        ParentWriter(TestDatabase db) {
            this.db = db;
        }

        void start() {
            thread = new Thread(this::run, "parent-writer");
            thread.start();
        }

        private void run() {
            int nextKey = 1_000;
            try (Connection connection = db.connect()) {
                connection.setAutoCommit(false);
                while (running) {
                    try {
                        nextKey = writeOne(connection, nextKey);
                        connection.commit();
                    } catch (SQLTransientException e) {
                        connection.rollback(); // a deadlock with the row writer: try something else
                    } catch (SQLException e) {
                        connection.rollback();
                        if (e.getErrorCode() != 1213 && e.getErrorCode() != 1205) {
                            errors.add(e.getMessage());
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                errors.add(e.toString());
            }
        }

        private int writeOne(Connection connection, int nextKey) throws SQLException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int dice = random.nextInt(100);
            boolean team = random.nextBoolean();
            String parent = team ? "teams" : "owners";
            String key = team ? "code" : "id";
            Object existing = any(connection, "SELECT " + key + " FROM " + parent + " ORDER BY RAND() LIMIT 1");
            Object fresh = team ? "t" + nextKey : (Object) nextKey;
            if (dice < 20 && existing != null) {
                update(connection, "DELETE FROM " + parent + " WHERE " + key + " = ?", existing);
                deleted.incrementAndGet();
                return nextKey;
            }
            if (dice < 40 && existing != null) {
                update(connection, "UPDATE " + parent + " SET " + key + " = ? WHERE " + key + " = ?", fresh, existing);
                renamed.incrementAndGet();
                return nextKey + 1;
            }
            if (dice < 50) {
                update(connection, team ? "INSERT INTO teams (code) VALUES (?)" : "INSERT INTO owners (id, name) VALUES (?, 'w')",
                        fresh);
                return nextKey + 1;
            }
            long row = 1 + random.nextLong(3_000);
            if (dice < 65) {
                for (String table : List.of("items", "items_mirror")) {
                    update(connection, "UPDATE " + table + " SET qty = ? WHERE id = ?", dice * 7, row);
                }
                return nextKey;
            }
            if (dice < 75) {
                for (String table : List.of("items", "items_mirror")) {
                    update(connection, "INSERT INTO " + table + " (id, name, qty, updated_at, owner_id) VALUES (?, 'new', 1,"
                            + " '2025-01-01 00:00:00', ?)", 100_000 + nextKey, team ? null : existing);
                }
                return nextKey + 1;
            }
            if (dice < 80) {
                for (String table : List.of("items", "items_mirror")) {
                    update(connection, "DELETE FROM " + table + " WHERE id = ?", row);
                }
                return nextKey;
            }
            if (existing == null) {
                return nextKey;
            }
            long low = row;
            String column = team ? "team" : "owner_id";
            for (String table : List.of("items", "items_mirror")) {
                update(connection, "UPDATE " + table + " SET " + column + " = ? WHERE id BETWEEN ? AND ?", existing, low, low + 3);
            }
            assigned.incrementAndGet();
            return nextKey;
        }

        private static Object any(Connection connection, String sql) throws SQLException {
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
                return row.next() ? row.getObject(1) : null;
            }
        }

        private static void update(Connection connection, String sql, Object... values) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                statement.executeUpdate();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join(10_000);
            }
        }
    }
}
