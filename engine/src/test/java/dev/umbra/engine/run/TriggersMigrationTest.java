package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.cutover.CutOverStep;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.relation.TableRelations;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.ServerSessions;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A table with triggers migrated under a mirrored writer. The mirror has the same audit triggers,
 * writing to an audit table of its own, so the two audit tables must hold the same entries: a
 * trigger fired twice (by the copy or the replay into the new table) or not at all (while the
 * triggers move at the cut-over) makes them differ. The table's own triggers also set a column on
 * insert in a fixed order, in an SQL mode of their own, and read the table by name.
 */
class TriggersMigrationTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @EveryFlavor
    void triggersMoveToTheNewTableUnderTheirNamesAndFireOncePerWrite(TestDatabase db) throws Exception {
        createTablesWithTriggers(db);
        List<String> definitionsBefore = triggerDefinitions(db, "items");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false)));
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            writer.start(2);
            migration.start().awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            assertThat(triggerDefinitions(db, "_items_gho")).as("triggers on the ghost before the cut-over").isEmpty();
            Thread.sleep(300); // writes replayed into the ghost while it waits
            migration.runner().control().approveCutOver();
            done = migration.awaitEnd(TIMEOUT);
            Thread.sleep(300); // writes to the new table
        }

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(writer.errors()).isEmpty();
        assertMigratedWithTriggers(db, writer, definitionsBefore);
    }

    /** A failed attempt that had moved the triggers puts them back before writers get in. */
    @EveryFlavor
    void aFailedAttemptPutsTheTriggersBackOnTheOriginalBeforeReleasingTheLock(TestDatabase db) throws Exception {
        createTablesWithTriggers(db);
        List<String> definitionsBefore = triggerDefinitions(db, "items");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)));
        List<List<String>> seenOnTheGhost = FirstAttemptFailure.afterRelationsMoved(migration.runner(),
                () -> triggerNames(db, "_items_gho"));
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            writer.start(2);
            done = migration.start().awaitEnd(TIMEOUT);
            Thread.sleep(300);
        }

        assertThat(seenOnTheGhost).hasSize(1);
        assertThat(seenOnTheGhost.get(0)).containsExactlyInAnyOrder("items_audit_insert", "items_audit_update",
                "items_audit_delete", "items_note_a", "items_note_b");
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.cutOverAttempts()).isEqualTo(2);
        assertThat(migration.snapshots()).anySatisfy(progress -> assertThat(progress.message())
                .contains("Cut-over attempt 1 failed").contains("failing the first attempt on purpose")
                .doesNotContain("ran without them"));
        assertThat(writer.errors()).isEmpty();
        assertMigratedWithTriggers(db, writer, definitionsBefore);
    }

    /**
     * The session holding the lock is killed once the triggers are on the ghost: writers reach the
     * original before the attempt can put them back, and the failure says so.
     */
    @EveryFlavor
    void aLockLostAfterTheMoveIsReportedAndTheTriggersAreStillPutBack(TestDatabase db) throws Exception {
        createTablesWithTriggers(db);
        List<String> definitionsBefore = triggerDefinitions(db, "items");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true)));
        AtomicInteger kills = new AtomicInteger();
        migration.runner().hooks().onCutOver((step, sessions) -> {
            if (step == CutOverStep.RELATIONS_MOVED && kills.getAndIncrement() == 0) {
                ServerSessions.kill(db, sessions.locking());
            }
        });
        Progress done = migration.start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.cutOverAttempts()).isEqualTo(2);
        assertThat(migration.snapshots()).anySatisfy(progress -> assertThat(progress.message())
                .contains("Cut-over attempt 1 failed").contains("the session holding the lock was lost after `")
                .contains("`items_note_a` (BEFORE INSERT)").contains("ran without them"));
        assertThat(triggerDefinitions(db, "items")).isEqualTo(definitionsBefore);
        assertThat(triggerNames(db, "_items_del")).isEmpty();
    }

    @EveryFlavor
    void theTwoStepCutOverMovesTheTriggersToo(TestDatabase db) throws Exception {
        createTablesWithTriggers(db);
        List<String> definitionsBefore = triggerDefinitions(db, "items");
        Progress done = new BackgroundMigration(Migrations.plan(db, "items", ALTER, MigrationOptions.defaults()
                .withInstantDdl(false).withAutoApproveCutOver(true).withCutOverMethod(CutOverMethod.TWO_STEP)))
                .start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(triggerDefinitions(db, "items")).isEqualTo(definitionsBefore);
        assertThat(triggerNames(db, "_items_del")).isEmpty();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO items (name, qty, updated_at, note) VALUES ('after', 1, NOW(), 'x')");
        }
        assertThat(auditOf(db, "items_audit")).singleElement().asString().endsWith("|insert|1|1");
    }

    /** Where the server can ALTER instantly (MySQL 8, MariaDB) the table keeps its triggers; MySQL 5.7 copies. */
    @EveryFlavor
    void anInstantAlterOrACopyLeavesTheTableWithItsTriggers(TestDatabase db) throws Exception {
        createTablesWithTriggers(db);
        List<String> definitionsBefore = triggerDefinitions(db, "items");

        Progress done = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withAutoApproveCutOver(true))).start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(triggerDefinitions(db, "items")).isEqualTo(definitionsBefore);
        assertThat(TableContents.createStatement(db, "items")).contains("`status` tinyint");
    }

    /** A run killed inside its cut-over, after the move, leaves the triggers on the ghost; resuming puts them back first. */
    @EveryFlavor
    void aResumedRunFindsTriggersLeftOnTheGhostAndPutsThemBackBeforeItGoesOn(TestDatabase db) throws Exception {
        createTablesWithTriggers(db);
        List<String> definitionsBefore = triggerDefinitions(db, "items");
        MigrationPlan plan = Migrations.plan(db, "items", ALTER, MigrationOptions.defaults().withInstantDdl(false)
                .withChunkTime(Duration.ZERO).withChunkSize(100).withAutoApproveCutOver(true)
                .withCheckpointInterval(Duration.ofMillis(100)));
        ResumeTest.crashMidCopy(plan, 500);
        strandTriggersOnTheGhost(db);
        assertThat(triggerNames(db, "items")).isEmpty();

        Progress done = new BackgroundMigration(plan).start().awaitEnd(TIMEOUT);

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(triggerDefinitions(db, "items")).isEqualTo(definitionsBefore);
        assertThat(triggerNames(db, "_items_del")).isEmpty();
    }

    @EveryFlavor
    void anAbortedRunPutsTriggersLeftOnTheGhostBackBeforeDroppingIt(TestDatabase db) throws Exception {
        createTablesWithTriggers(db);
        List<String> definitionsBefore = triggerDefinitions(db, "items");
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false))).start();
        migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
        strandTriggersOnTheGhost(db);

        migration.runner().control().abort();
        assertThatThrownBy(() -> migration.awaitEnd(TIMEOUT)).isInstanceOf(MigrationAbortedException.class);

        assertThat(TableContents.tables(db)).doesNotContain("_items_gho");
        assertThat(triggerDefinitions(db, "items")).isEqualTo(definitionsBefore);
    }

    /** What a cut-over attempt that dies right after moving the triggers leaves behind. */
    private static void strandTriggersOnTheGhost(TestDatabase db) throws SQLException {
        try (Connection connection = db.connect()) {
            TableRelations.of(connection, db.schema(), "items", "_items_gho").move(connection, connection);
        }
        assertThat(triggerNames(db, "_items_gho")).hasSize(5);
    }

    private static void assertMigratedWithTriggers(TestDatabase db, MirroredWriter writer, List<String> definitionsBefore)
            throws SQLException {
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        assertThat(triggerDefinitions(db, "items")).as("names, order, definer, SQL mode and body kept")
                .isEqualTo(definitionsBefore);
        assertThat(triggerNames(db, "_items_del")).isEmpty();
        List<String> audit = auditOf(db, "items_audit");
        System.out.printf("[%s] %d rows and %d audit entries compared with the mirror's%n", db,
                TableContents.rows(db, "items", COLUMNS).size(), audit.size());
        assertThat(audit).hasSizeGreaterThan(100);
        assertThat(audit).as("every write fired the triggers once, before, during and after the migration")
                .isEqualTo(auditOf(db, "items_mirror_audit"));
        assertThat(audit).filteredOn(entry -> entry.contains("|insert|")).allSatisfy(entry ->
                assertThat(entry).as("the inserted row is read back by name").endsWith("|1"));
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*), SUM(note LIKE '%ab'), SUM(note LIKE '%abab')"
                     + " FROM items WHERE name LIKE 'new-%'")) {
            row.next();
            assertThat(row.getLong(1)).as("rows inserted by the writer").isPositive();
            assertThat(row.getLong(2)).as("inserted rows whose note the BEFORE INSERT triggers set, in order")
                    .isEqualTo(row.getLong(1));
            assertThat(row.getLong(3)).as("inserted rows whose note was set twice").isZero();
        }
    }

    /**
     * items and items_mirror as the mirrored writer uses them, each with audit triggers writing to
     * its own audit table; items also gets two ordered BEFORE INSERT triggers (the second in
     * PIPES_AS_CONCAT mode, where {@code ||} concatenates), owned by another definer. The mirror
     * does not get those: it copies the inserted row from items.
     */
    private static void createTablesWithTriggers(TestDatabase db) throws SQLException {
        SampleTable.create(db::connect, "items", 2_000);
        db.server().executeAsRoot("CREATE USER IF NOT EXISTS 'trigger_owner'@'%' IDENTIFIED BY 'unused-Password-1'",
                "GRANT ALL ON `" + db.schema() + "`.* TO 'trigger_owner'@'%'");
        for (String table : List.of("items", "items_mirror")) {
            String audit = table + "_audit";
            db.execute("CREATE TABLE `" + audit + "` (seq BIGINT AUTO_INCREMENT PRIMARY KEY, item_id BIGINT NOT NULL,"
                            + " action VARCHAR(8) NOT NULL, qty INT NOT NULL, seen INT NOT NULL)",
                    "CREATE TRIGGER `" + table + "_audit_insert` AFTER INSERT ON `" + table + "` FOR EACH ROW"
                            + " INSERT INTO `" + audit + "` (item_id, action, qty, seen)"
                            + " VALUES (NEW.id, 'insert', NEW.qty, (SELECT COUNT(*) FROM `" + table + "` WHERE id = NEW.id))",
                    "CREATE TRIGGER `" + table + "_audit_update` AFTER UPDATE ON `" + table + "` FOR EACH ROW"
                            + " INSERT INTO `" + audit + "` (item_id, action, qty, seen) VALUES (NEW.id, 'update', NEW.qty, 0)",
                    "CREATE TRIGGER `" + table + "_audit_delete` AFTER DELETE ON `" + table + "` FOR EACH ROW BEGIN"
                            + " INSERT INTO `" + audit + "` (item_id, action, qty, seen) VALUES (OLD.id, 'delete', OLD.qty, 0);"
                            + " END");
        }
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DEFINER = 'trigger_owner'@'%' TRIGGER items_note_a BEFORE INSERT ON items FOR EACH ROW"
                    + " SET NEW.note = CONCAT(IFNULL(NEW.note, ''), 'a')");
            statement.execute("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',PIPES_AS_CONCAT')");
            statement.execute("CREATE TRIGGER items_note_b BEFORE INSERT ON items FOR EACH ROW FOLLOWS items_note_a"
                    + " SET NEW.note = NEW.note || 'b'");
        }
    }

    /** Everything that makes a trigger what it is, in firing order; not the table it is on. */
    private static List<String> triggerDefinitions(TestDatabase db, String table) throws SQLException {
        List<String> definitions = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT TRIGGER_NAME, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER,"
                     + " DEFINER, SQL_MODE, COLLATION_CONNECTION, ACTION_STATEMENT FROM information_schema.TRIGGERS"
                     + " WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = '" + table + "'"
                     + " ORDER BY EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER")) {
            while (row.next()) {
                definitions.add(String.join(" | ", row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getString(5), row.getString(6), row.getString(7), row.getString(8)));
            }
        }
        return definitions;
    }

    private static List<String> triggerNames(TestDatabase db, String table) throws SQLException {
        return triggerDefinitions(db, table).stream().map(definition -> definition.substring(0, definition.indexOf(' '))).toList();
    }

    /** The audit entries as a sorted multiset: the two tables' sequence numbers interleave differently. */
    private static List<String> auditOf(TestDatabase db, String audit) throws SQLException {
        List<String> entries = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT item_id, action, qty, seen FROM `" + audit + "`")) {
            while (row.next()) {
                entries.add(row.getLong(1) + "|" + row.getString(2) + "|" + row.getInt(3) + "|" + row.getInt(4));
            }
        }
        entries.sort(null);
        return entries;
    }
}
