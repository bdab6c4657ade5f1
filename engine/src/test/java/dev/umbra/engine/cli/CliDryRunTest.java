package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.util.ArrayList;
import java.util.List;

/** {@code umbra migrate} without {@code --execute}: prints the plan and changes nothing. */
class CliDryRunTest {

    @EveryFlavor
    void withoutExecuteNothingChangesAndThePlanIsPrinted(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 200);
        List<String> tablesBefore = TableContents.tables(db);
        String createBefore = TableContents.createStatement(db, "t");

        UmbraCommand.Result result = UmbraCommand.run(UmbraCommand.migrate(db, "t",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, CHANGE name full_name VARCHAR(40) NOT NULL, DROP COLUMN qty"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(TableContents.tables(db)).isEqualTo(tablesBefore);
        assertThat(TableContents.createStatement(db, "t")).isEqualTo(createBefore);
        assertThat(result.out())
                .contains("nothing was changed")
                .containsPattern("Server: +(MariaDB|MySQL) \\d+\\.\\d+\\.\\d+")
                .contains("`" + db.schema() + "`.`t`")
                .containsPattern("adds columns: +status")
                .containsPattern("drops columns: +qty")
                .containsPattern("renames columns: +name -> full_name")
                .contains("ghost `_t_gho`", "changelog `_t_ghc`", "`_t_del`")
                .containsPattern("Migration key: +PRIMARY KEY \\(id\\)")
                .containsPattern("Columns copied: +2: id, name -> full_name")
                .containsPattern("Estimated rows: +\\d+")
                .containsPattern("Estimated size: +\\d+(\\.\\d)? (bytes|KiB|MiB)")
                .containsPattern("Method: +online copy")
                .containsPattern("Revert: +ReversibleWithLoss: `qty` is dropped: rows inserted since the cut-over get its default")
                .containsPattern("Estimated copy: +about \\d+s");
        assertThat(result.all()).doesNotContain(db.password());
    }

    @EveryFlavor
    void thePlanListsTheTriggersAndForeignKeysThatMoveAndADryRunLeavesThemWhereTheyAre(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 20);
        db.execute("CREATE TABLE owners (id INT PRIMARY KEY)",
                "ALTER TABLE t ADD COLUMN owner_id INT, ADD CONSTRAINT t_owner FOREIGN KEY (owner_id) REFERENCES owners (id)",
                "CREATE TABLE t_log (id INT NOT NULL)",
                "CREATE TRIGGER t_log_delete AFTER DELETE ON t FOR EACH ROW INSERT INTO t_log VALUES (OLD.id)",
                "CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW SET @stamped = NEW.id");
        List<String> tablesBefore = TableContents.tables(db);

        UmbraCommand.Result result = UmbraCommand.run(UmbraCommand.migrate(db, "t", "ADD COLUMN status TINYINT"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).containsPattern("Triggers: +`t_log_delete` \\(AFTER DELETE\\), `t_stamp` \\(BEFORE INSERT\\):"
                + " kept, moved to the new table at the cut-over under its lock");
        assertThat(result.out()).containsPattern("Foreign keys: +`t_owner` \\(owner_id\\) -> `" + db.schema()
                + "`.`owners` \\(id\\): kept, moved to the new table at the cut-over under its lock");
        assertThat(TableContents.tables(db)).isEqualTo(tablesBefore);
        assertThat(TableContents.createStatement(db, "t")).contains("CONSTRAINT `t_owner` FOREIGN KEY");
        try (var connection = db.connect(); var statement = connection.createStatement();
             var row = statement.executeQuery("SELECT GROUP_CONCAT(TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE ORDER BY TRIGGER_NAME)"
                     + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo("t_log_delete on t,t_stamp on t");
        }
    }

    @EveryFlavor
    void passwordComesFromUmbraPassword(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 10);
        List<String> args = new ArrayList<>(UmbraCommand.connection(db));
        args.addAll(List.of("--table", "t", "--alter", "ADD COLUMN c INT"));

        UmbraCommand.Result withVariable = UmbraCommand.run(
                name -> "UMBRA_PASSWORD".equals(name) ? db.password() : null, args.toArray(String[]::new));
        UmbraCommand.Result without = UmbraCommand.run(name -> null, args.toArray(String[]::new));

        assertThat(withVariable.exitCode()).as(withVariable.toString()).isZero();
        assertThat(withVariable.out()).contains("Migration key:");
        assertThat(withVariable.all()).doesNotContain(db.password());
        assertThat(without.exitCode()).as(without.toString()).isEqualTo(UmbraCli.EXIT_FAILED);
        assertThat(without.err()).contains("Access denied");
        assertThat(TableContents.tables(db)).containsExactly("t");
    }
}
