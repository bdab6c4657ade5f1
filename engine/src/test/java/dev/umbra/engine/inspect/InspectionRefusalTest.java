package dev.umbra.engine.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.engine.testing.DiagnosticsLog;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.util.List;

/**
 * Every refusal names the problem and what to do, and leaves the schema exactly as it was: no
 * helper table, no change to the original.
 */
class InspectionRefusalTest {

    private static final String TABLE = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(20), b INT)";

    @EveryFlavor
    void binaryLogOff(TestDatabase ignored) throws Exception {
        DatabaseServer server = SharedServers.startPrivate(ignored.flavor(), ServerOptions.withoutBinlog());
        try {
            server.executeAsRoot("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)");
            MigrationPlan plan = new MigrationPlan(new ConnectionSettings(server.host(), server.port(),
                    DatabaseServer.USER, DatabaseServer.PASSWORD), "shop", "t", "ADD COLUMN c INT",
                    MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true));
            MigrationRefusedException refusal = catchThrowableOfType(MigrationRefusedException.class,
                    () -> new MigrationRunner(plan, ProgressListener.NONE).run());
            assertThat(refusal).hasMessageContaining("the binary log is off").hasMessageContaining("--log-bin");
        } finally {
            server.kill();
        }
    }

    @EveryFlavor
    void binlogFormatNotRow(TestDatabase db) throws Exception {
        db.execute(TABLE);
        db.server().executeAsRoot("SET GLOBAL binlog_format = 'STATEMENT'");
        try {
            assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("binlog_format is STATEMENT, not ROW");
        } finally {
            db.server().executeAsRoot("SET GLOBAL binlog_format = 'ROW'");
        }
    }

    @EveryFlavor
    void binlogRowImageNotFull(TestDatabase db) throws Exception {
        db.execute(TABLE);
        db.server().executeAsRoot("SET GLOBAL binlog_row_image = 'MINIMAL'");
        try {
            assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("binlog_row_image is MINIMAL, not FULL");
        } finally {
            db.server().executeAsRoot("SET GLOBAL binlog_row_image = 'FULL'");
        }
    }

    @EveryFlavor
    void readOnlyServerIsNotTheWriter(TestDatabase db) throws Exception {
        db.execute(TABLE);
        db.server().executeAsRoot("SET GLOBAL read_only = ON");
        try {
            assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("read-only").contains("point Umbra at the writer");
        } finally {
            db.server().executeAsRoot("SET GLOBAL read_only = OFF");
        }
    }

    @EveryFlavor
    void missingGrantsAreNamed(TestDatabase db) throws Exception {
        db.execute(TABLE);
        String user = "limited_" + db.schema().hashCode() % 1000 + "_" + System.nanoTime() % 1000;
        db.server().executeAsRoot("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'Limited-Pa55'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `" + db.schema() + "`.* TO '" + user + "'@'%'");
        try {
            List<String> before = TableContents.tables(db);
            MigrationPlan plan = new MigrationPlan(new ConnectionSettings(db.host(), db.port(), user, "Limited-Pa55"),
                    db.schema(), "t", "ADD COLUMN c INT", MigrationOptions.defaults().withInstantDdl(false));
            MigrationRefusedException refusal = catchThrowableOfType(MigrationRefusedException.class,
                    () -> new MigrationRunner(plan, ProgressListener.NONE).run());
            assertThat(refusal.getMessage())
                    .contains("CREATE, DROP, ALTER, INDEX, LOCK TABLES on `" + db.schema() + "`.*")
                    .contains("REPLICATION SLAVE, REPLICATION CLIENT on *.*")
                    .doesNotContain("Limited-Pa55");
            assertThat(TableContents.tables(db)).isEqualTo(before);
        } finally {
            db.server().executeAsRoot("DROP USER '" + user + "'@'%'");
        }
    }

    @EveryFlavor
    void tableMissing(TestDatabase db) throws Exception {
        assertThat(refusal(db, "nope", "ADD COLUMN c INT")).contains("`nope` does not exist");
    }

    @EveryFlavor
    void viewIsNotABaseTable(TestDatabase db) throws Exception {
        db.execute(TABLE, "CREATE VIEW v AS SELECT id, a FROM t");
        assertThat(refusal(db, "v", "ADD COLUMN c INT")).contains("is a view, not a base table");
    }

    @EveryFlavor
    void noPrimaryOrNotNullUniqueKey(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NULL, a VARCHAR(20), UNIQUE KEY (id))");
        assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("has no primary key and no unique key over NOT NULL columns");
    }

    @EveryFlavor
    void theOnlyKeyIsDroppedByTheAlter(TestDatabase db) throws Exception {
        db.execute(TABLE);
        assertThat(refusal(db, "t", "DROP COLUMN id")).contains("No primary key or NOT NULL unique key of `t` survives the ALTER");
    }

    @EveryFlavor
    void aCascadingForeignKeyFromATableWhoseOwnRowsCascadeIsRefusedWithTheReasonAndTheChoices(TestDatabase db)
            throws Exception {
        db.execute("CREATE TABLE grandparent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE parent (id INT PRIMARY KEY, gp INT, CONSTRAINT fk_gp FOREIGN KEY (gp) REFERENCES grandparent (id)"
                        + " ON DELETE CASCADE) ENGINE=InnoDB",
                "CREATE TABLE t (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id)"
                        + " REFERENCES parent (id) ON DELETE CASCADE) ENGINE=InnoDB");
        assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("`fk_parent` (parent_id) -> `" + db.schema() + "`.`parent` (id)"
                + " ON DELETE CASCADE").contains("whose own rows change through its foreign keys `fk_gp`")
                .contains("not in the binary log").contains("Choose one");
    }

    @EveryFlavor
    void aCascadingForeignKeyIsRefusedWithTheTwoStepCutOver(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE t (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id)"
                        + " REFERENCES parent (id) ON DELETE SET NULL) ENGINE=InnoDB");
        assertThat(refusal(db, "t", "ADD COLUMN c INT", MigrationOptions.defaults().withInstantDdl(false)
                .withCutOverMethod(dev.umbra.engine.plan.CutOverMethod.TWO_STEP)))
                .contains("ON DELETE SET NULL").contains("two-step cut-over").contains("Use the atomic cut-over");
    }

    @EveryFlavor
    void anOnUpdateCascadeForeignKeyNeedsTheChecksum(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE t (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id)"
                        + " REFERENCES parent (id) ON UPDATE CASCADE) ENGINE=InnoDB");
        assertThat(refusal(db, "t", "ADD COLUMN c INT", MigrationOptions.defaults().withInstantDdl(false).withVerify(false)))
                .contains("ON UPDATE CASCADE").contains("Run with the checksum");
    }

    @EveryFlavor
    void aCascadingForeignKeyToAnotherSchemaIsRefused(TestDatabase db) throws Exception {
        String other = db.schema() + "_parents";
        db.server().executeAsRoot("DROP DATABASE IF EXISTS `" + other + "`", "CREATE DATABASE `" + other + "`",
                "CREATE TABLE `" + other + "`.parent (id INT PRIMARY KEY) ENGINE=InnoDB");
        try {
            db.execute("CREATE TABLE t (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id)"
                    + " REFERENCES `" + other + "`.parent (id) ON DELETE CASCADE) ENGINE=InnoDB");
            assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("a table in another schema")
                    .contains("within the table's own schema");
        } finally {
            db.execute("DROP TABLE t");
            db.server().executeAsRoot("DROP DATABASE `" + other + "`");
        }
    }

    @EveryFlavor
    void aForeignKeyWhoseColumnTheAlterDropsIsNamedWithTheServersReason(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE t (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id)"
                        + " REFERENCES parent (id)) ENGINE=InnoDB");
        assertThat(refusal(db, "t", "DROP COLUMN parent_id")).contains("Foreign key `fk_parent` (parent_id)")
                .contains("cannot be added to the new table").contains("Nothing was changed");
        assertThat(refusal(db, "t", "MODIFY parent_id VARCHAR(10)")).contains("Foreign key `fk_parent` (parent_id)")
                .contains("cannot be added to the new table");
    }

    @EveryFlavor
    void aForeignKeyWhoseIndexTheAlterDropsIsRefused(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE t (id INT PRIMARY KEY, parent_id INT, KEY by_parent (parent_id), CONSTRAINT fk_parent"
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id)) ENGINE=InnoDB");
        assertThat(refusal(db, "t", "DROP INDEX by_parent")).contains("needs an index that starts with (parent_id)")
                .contains("Keep such an index in the ALTER");
    }

    @EveryFlavor
    void aTriggerThatDoesNotFitTheNewTableIsNamedWithTheServersReason(TestDatabase db) throws Exception {
        db.execute(TABLE, "CREATE TRIGGER t_bump BEFORE INSERT ON t FOR EACH ROW SET NEW.b = 1",
                "CREATE TRIGGER t_log AFTER DELETE ON t FOR EACH ROW SET @deleted = OLD.id");
        List<String> triggersBefore = triggers(db);

        assertThat(refusal(db, "t", "DROP COLUMN b")).contains("Trigger `t_bump` (BEFORE INSERT)")
                .contains("Unknown column 'b' in 'NEW'").contains("Change the trigger (or the ALTER)");

        assertThat(triggers(db)).isEqualTo(triggersBefore); // and no probe left on any table
    }

    private static List<String> triggers(TestDatabase db) throws Exception {
        List<String> triggers = new java.util.ArrayList<>();
        try (java.sql.Connection connection = db.connect(); java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet row = statement.executeQuery("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT"
                     + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME")) {
            while (row.next()) {
                triggers.add(row.getString(1) + " on " + row.getString(2) + ": " + row.getString(3));
            }
        }
        return triggers;
    }

    @EveryFlavor
    void renameTableInTheAlter(TestDatabase db) throws Exception {
        db.execute(TABLE);
        assertThat(refusal(db, "t", "ADD COLUMN c INT, RENAME TO t2")).containsIgnoringCase("rename");
        assertThat(refusal(db, "t", "RENAME AS t2")).containsIgnoringCase("rename");
    }

    @EveryFlavor
    void aSecondStatement(TestDatabase db) throws Exception {
        db.execute(TABLE);
        assertThat(refusal(db, "t", "ADD COLUMN c INT; DROP TABLE t")).containsIgnoringCase("statement");
    }

    @EveryFlavor
    void aCommentHidingAStatement(TestDatabase db) throws Exception {
        db.execute(TABLE);
        assertThat(refusal(db, "t", "ADD COLUMN c INT /*!50000 , DROP COLUMN a */")).contains("/*!");
    }

    @EveryFlavor
    void anAlterOfAnotherTable(TestDatabase db) throws Exception {
        db.execute(TABLE);
        assertThat(refusal(db, "t", "ALTER TABLE other ADD COLUMN c INT")).contains("other");
    }

    @EveryFlavor
    void anAlterTheServerRejects(TestDatabase db) throws Exception {
        db.execute(TABLE);
        assertThat(refusal(db, "t", "ADD COLUMN a INT")).contains("The server rejected the ALTER").contains("nothing was changed");
    }

    /**
     * Failure mode 2: the duplicates are found before anything is copied, and counted. Their values
     * are data and stay out of the message (it reaches status and Events); the message says how to
     * list them, and they are logged only with diagnostics on.
     */
    @EveryFlavor
    void addingAUniqueKeyOverDuplicateValues(TestDatabase db) throws Exception {
        db.execute(TABLE, "INSERT INTO t VALUES (1, 'x-secret', 1), (2, 'y-secret', 2), (3, 'x-secret', 3), (4, NULL, 4),"
                + " (5, NULL, 5), (6, 'z', 6), (7, 'x-secret', 7), (8, 'y-secret', 8)");
        try (DiagnosticsLog log = new DiagnosticsLog()) {
            assertThat(refusal(db, "t", "ADD UNIQUE KEY uk_a (a)"))
                    .contains("The new table's UNIQUE key uk_a on (a) would reject rows `t` holds now")
                    .contains("2 values occur in more than one row (5 rows; copying would drop 3)")
                    .contains("List them with: SELECT ").contains(" FROM `" + db.schema() + "`.`t` GROUP BY ")
                    .contains("run with --diagnostics-include-statements to log them")
                    .contains("nothing was changed")
                    .doesNotContain("secret");
            assertThat(log.all()).as("nothing logged without diagnostics").doesNotContain("secret");
        }
        try (DiagnosticsLog log = new DiagnosticsLog()) {
            String refusal = refusal(db, "t", "ADD UNIQUE KEY uk_a (a)",
                    MigrationOptions.defaults().withInstantDdl(false).withDiagnosticsIncludeStatements(true));
            assertThat(refusal).doesNotContain("secret").contains("sample values are in the log");
            assertThat(log.all()).contains("(a)=('x-secret') in 3 rows").contains("(a)=('y-secret') in 2 rows");
        }
    }

    @EveryFlavor
    void changingThePrimaryKeyToColumnsWithDuplicates(TestDatabase db) throws Exception {
        db.execute(TABLE, "INSERT INTO t VALUES (1, 'x', 7), (2, 'y', 7), (3, 'z', 8)");
        assertThat(refusal(db, "t", "DROP PRIMARY KEY, ADD PRIMARY KEY (b), ADD UNIQUE KEY uk_id (id)"))
                .contains("PRIMARY KEY on (b)").contains("1 value occurs in more than one row (2 rows; copying would drop 1)")
                .doesNotContain("'7'");
    }

    /** An existing unique key whose column gets a case-insensitive collation: 'abc' and 'ABC' become one value. */
    @EveryFlavor
    void aCollationChangeThatMergesValuesOfAUniqueKey(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                + " NOT NULL, UNIQUE KEY uk_code (code))", "INSERT INTO t VALUES (1, 'abc'), (2, 'ABC'), (3, 'abd')");
        assertThat(refusal(db, "t", "MODIFY code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL"))
                .contains("UNIQUE key uk_code on (code)").contains("1 value occurs in more than one row (2 rows");
    }

    @EveryFlavor
    void helperTablesOfAnEarlierRun(TestDatabase db) throws Exception {
        db.execute(TABLE, "CREATE TABLE _t_gho (id INT PRIMARY KEY)");
        assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("`_t_gho` already exists").contains("--initially-drop-ghost-table");
        db.execute("DROP TABLE _t_gho", "CREATE TABLE _t_del (id INT PRIMARY KEY)");
        assertThat(refusal(db, "t", "ADD COLUMN c INT")).contains("`_t_del` already exists").contains("--initially-drop-old-table");
    }

    /** Runs the migration expecting a refusal; asserts nothing changed and returns the message. */
    private static String refusal(TestDatabase db, String table, String alter) throws Exception {
        return refusal(db, table, alter, MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true));
    }

    private static String refusal(TestDatabase db, String table, String alter, MigrationOptions options) throws Exception {
        List<String> tablesBefore = TableContents.tables(db);
        String definitionBefore = tablesBefore.contains(table) ? TableContents.createStatement(db, table) : null;
        MigrationRefusedException refusal = catchThrowableOfType(MigrationRefusedException.class,
                () -> new MigrationRunner(Migrations.plan(db, table, alter, options), ProgressListener.NONE).run());
        assertThat(refusal).as("refusal of %s", alter).isNotNull();
        assertThat(TableContents.tables(db)).isEqualTo(tablesBefore);
        if (definitionBefore != null) {
            assertThat(TableContents.createStatement(db, table)).isEqualTo(definitionBefore);
        }
        return refusal.getMessage();
    }
}
