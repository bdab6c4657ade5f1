package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.relation.TableRelations;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child table (its foreign key points at a parent) migrated under writes. The mirrored writer
 * changes the rows; a second writer points rows at owners and deletes owners that no row uses:
 * each such delete must succeed, so nothing Umbra builds may check rows against the parent
 * before the swap, and afterwards the new table's foreign key, under its own name, must.
 */
class ForeignKeysMigrationTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note", "owner_id");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @EveryFlavor
    void aChildTableKeepsItsForeignKeyUnderItsNameAndNoWriteToTheParentIsRefusedOnUmbrasAccount(TestDatabase db)
            throws Exception {
        createChildTables(db);
        String constraintBefore = constraintOf(db, "items");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false)));
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        OwnerWriter owners = new OwnerWriter(db);
        Progress done;
        try (writer; owners) {
            writer.start(2);
            owners.start();
            migration.start().awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            assertThat(constraintOf(db, "_items_gho")).as("foreign keys on the ghost before the cut-over").isEmpty();
            Thread.sleep(300);
            migration.runner().control().approveCutOver();
            done = migration.awaitEnd(TIMEOUT);
            Thread.sleep(300);
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        System.out.printf("[%s] %d owners assigned, %d unused owners deleted during the migration%n", db,
                owners.assigned.get(), owners.deleted.get());
        assertThat(owners.deleted.get()).isPositive();
        assertThat(owners.errors).isEmpty();
        assertThat(writer.errors()).isEmpty();
        assertMigratedWithForeignKey(db, writer, constraintBefore);
    }

    @EveryFlavor
    void aFailedAttemptPutsTheForeignKeyBackOnTheOriginal(TestDatabase db) throws Exception {
        createChildTables(db);
        String constraintBefore = constraintOf(db, "items");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)));
        List<String> seenOnTheGhost = FirstAttemptFailure.afterRelationsMoved(migration.runner(),
                () -> constraintOf(db, "_items_gho"));
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            writer.start(2);
            done = migration.start().awaitEnd(TIMEOUT);
        }

        assertThat(seenOnTheGhost).containsExactly(constraintBefore);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.cutOverAttempts()).isEqualTo(2);
        assertThat(writer.errors()).isEmpty();
        assertMigratedWithForeignKey(db, writer, constraintBefore);
    }

    @EveryFlavor
    void theTwoStepCutOverMovesTheForeignKeyToo(TestDatabase db) throws Exception {
        createChildTables(db);
        String constraintBefore = constraintOf(db, "items");
        Progress done = new BackgroundMigration(Migrations.plan(db, "items", ALTER, MigrationOptions.defaults()
                .withInstantDdl(false).withAutoApproveCutOver(true).withCutOverMethod(CutOverMethod.TWO_STEP)))
                .start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(constraintOf(db, "items")).isEqualTo(constraintBefore);
        assertThat(constraintOf(db, "_items_del")).isEmpty();
        assertTheNewTableIsChecked(db);
    }

    @EveryFlavor
    void aResumedRunPutsForeignKeysLeftOnTheGhostBackFirst(TestDatabase db) throws Exception {
        createChildTables(db);
        String constraintBefore = constraintOf(db, "items");
        MigrationPlan plan = Migrations.plan(db, "items", ALTER, MigrationOptions.defaults().withInstantDdl(false)
                .withChunkTime(Duration.ZERO).withChunkSize(100).withAutoApproveCutOver(true)
                .withCheckpointInterval(Duration.ofMillis(100)));
        ResumeTest.crashMidCopy(plan, 500);
        try (Connection connection = db.connect()) {
            TableRelations.of(connection, db.schema(), "items", "_items_gho").move(connection, connection);
        }
        assertThat(constraintOf(db, "items")).isEmpty();

        Progress done = new BackgroundMigration(plan).start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(constraintOf(db, "items")).isEqualTo(constraintBefore);
        assertTheNewTableIsChecked(db);
    }

    private static void assertMigratedWithForeignKey(TestDatabase db, MirroredWriter writer, String constraintBefore)
            throws SQLException {
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        assertThat(constraintOf(db, "items")).as("name, columns, parent and rules kept").isEqualTo(constraintBefore);
        assertThat(constraintOf(db, "_items_del")).as("the old table no longer checks against the parent").isEmpty();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM items i LEFT JOIN owners o ON o.id = i.owner_id"
                     + " WHERE i.owner_id IS NOT NULL AND o.id IS NULL")) {
            row.next();
            assertThat(row.getLong(1)).as("orphaned rows").isZero();
        }
        assertTheNewTableIsChecked(db);
    }

    private static void assertTheNewTableIsChecked(TestDatabase db) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            SQLException orphan = catchThrowableOfType(SQLException.class, () -> statement.execute(
                    "INSERT INTO items (name, qty, updated_at, owner_id) VALUES ('orphan', 1, NOW(), 999999)"));
            assertThat((Throwable) orphan).as("an orphan written to the new table").isNotNull();
            assertThat(orphan.getMessage()).contains("fk_items_owner");
            statement.execute("INSERT INTO owners (id) VALUES (5000000)");
            statement.execute("UPDATE items SET owner_id = 5000000 WHERE id = (SELECT id FROM (SELECT MIN(id) id FROM items) m)");
            SQLException parent = catchThrowableOfType(SQLException.class,
                    () -> statement.execute("DELETE FROM owners WHERE id = 5000000"));
            assertThat((Throwable) parent).as("deleting a parent the new table uses").isNotNull();
            assertThat(parent.getMessage()).contains("fk_items_owner");
        }
    }

    /** items and its mirror (as the mirrored writer uses them) with an owner_id pointing at owners, 1 to 200. */
    private static void createChildTables(TestDatabase db) throws SQLException {
        SampleTable.create(db::connect, "items", 2_000);
        db.execute("CREATE TABLE owners (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO owners (id) SELECT id FROM items WHERE id <= 200",
                "ALTER TABLE items ADD COLUMN owner_id INT NULL, ADD CONSTRAINT fk_items_owner FOREIGN KEY (owner_id)"
                        + " REFERENCES owners (id)",
                "ALTER TABLE items_mirror ADD COLUMN owner_id INT NULL",
                "UPDATE items SET owner_id = id % 100 + 1 WHERE id % 3 = 0",
                "UPDATE items_mirror SET owner_id = id % 100 + 1 WHERE id % 3 = 0");
    }

    /** The table's foreign key constraints as SHOW CREATE TABLE prints them, or empty. */
    private static String constraintOf(TestDatabase db, String table) throws SQLException {
        String create = TableContents.createStatement(db, table);
        return create.lines().map(String::trim).filter(line -> line.startsWith("CONSTRAINT")).map(line -> line.replaceAll(",$", ""))
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /**
     * Points random rows (and their mirror rows) at owners, adds owners and deletes owners that no
     * row uses: such a delete succeeds on the original, so it must succeed throughout.
     */
    private static final class OwnerWriter implements AutoCloseable {
        private final TestDatabase db;
        private final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final AtomicInteger assigned = new AtomicInteger();
        private final AtomicInteger deleted = new AtomicInteger();
        private volatile boolean running = true;
        private Thread thread;

        OwnerWriter(TestDatabase db) {
            this.db = db;
        }

        void start() {
            thread = new Thread(this::run, "owner-writer");
            thread.start();
        }

        private void run() {
            int nextOwner = 1_000;
            try (Connection connection = db.connect()) {
                connection.setAutoCommit(false);
                while (running) {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    try {
                        if (random.nextInt(4) == 0) {
                            int owner = ++nextOwner;
                            execute(connection, "INSERT INTO owners (id) VALUES (" + owner + ")");
                            connection.commit();
                            deleteIfUnused(connection, random.nextInt(1, nextOwner + 1));
                        } else {
                            long id = random.nextLong(1, 2_000);
                            int owner = random.nextInt(1, 101);
                            execute(connection, "UPDATE items SET owner_id = " + owner + " WHERE id = " + id);
                            execute(connection, "UPDATE items_mirror SET owner_id = " + owner + " WHERE id = " + id);
                            connection.commit();
                            assigned.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        errors.add(e.getMessage());
                        connection.rollback();
                    }
                    Thread.sleep(2);
                }
            } catch (SQLException | InterruptedException e) {
                errors.add("owner writer stopped: " + e);
            }
        }

        /** Only this thread assigns owners, so an owner no row uses now stays unused until its delete. */
        private void deleteIfUnused(Connection connection, int owner) throws SQLException {
            try (PreparedStatement used = connection.prepareStatement("SELECT COUNT(*) FROM items WHERE owner_id = ?")) {
                used.setInt(1, owner);
                try (ResultSet row = used.executeQuery()) {
                    row.next();
                    if (row.getLong(1) > 0) {
                        connection.commit();
                        return;
                    }
                }
            }
            execute(connection, "DELETE FROM owners WHERE id = " + owner);
            connection.commit();
            deleted.incrementAndGet();
        }

        private static void execute(Connection connection, String sql) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
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
