package dev.umbra.engine.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.RevertVerdict;
import dev.umbra.engine.progress.RevertVerdict.Kind;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;

/**
 * Each class of ALTER gets its revert verdict from the two definitions the server reports, before
 * anything runs, and the plan shows it. A dry run inspects: nothing is created.
 */
class ReversibilityTest {

    private static final String TABLE = "CREATE TABLE r (id INT NOT NULL PRIMARY KEY, a INT NOT NULL, price DECIMAL(10,4),"
            + " code VARCHAR(20) CHARACTER SET latin1, u INT, UNIQUE KEY u_key (u)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    @EveryFlavor
    void eachClassOfAlterGetsItsComputedVerdict(TestDatabase db) throws Exception {
        db.execute(TABLE);
        db.execute("INSERT INTO r VALUES (1, 1, 1.2345, 'x', 1), (2, 2, 2.5, 'y', NULL)");

        assertVerdict(db, "ADD COLUMN e INT NULL", Kind.REVERSIBLE, "`e` is added: its values are gone after a revert");
        assertVerdict(db, "CHANGE a renamed INT NOT NULL", Kind.REVERSIBLE);
        assertVerdict(db, "MODIFY a BIGINT NOT NULL", Kind.REVERSIBLE, "`a` (int", "is widened",
                "cannot hold ends the window");
        assertVerdict(db, "MODIFY code VARCHAR(40) CHARACTER SET latin1", Kind.REVERSIBLE, "is widened");
        assertVerdict(db, "ADD UNIQUE KEY a_key (a)", Kind.REVERSIBLE);
        assertVerdict(db, "DROP COLUMN price", Kind.REVERSIBLE_WITH_LOSS,
                "`price` is dropped: rows inserted since the cut-over get its default in the old table");
        assertVerdict(db, "MODIFY price DECIMAL(8,2)", Kind.REVERSIBLE_WITH_LOSS, "`price` (decimal(10,4) -> decimal(8,2))",
                "is narrowed: rows changed since the cut-over keep the narrowed values");
        assertVerdict(db, "MODIFY price DECIMAL(10,2)", Kind.REVERSIBLE_WITH_LOSS, "changes type");
        assertVerdict(db, "MODIFY a VARCHAR(20) NOT NULL", Kind.REVERSIBLE_WITH_LOSS, "changes type", "converted back");
        assertVerdict(db, "DROP INDEX u_key", Kind.NOT_REVERSIBLE, "drops unique key `u_key`: rows written since the"
                + " cut-over may collide in it");
        assertVerdict(db, "MODIFY code VARCHAR(20) CHARACTER SET utf8mb4", Kind.NOT_REVERSIBLE,
                "changes character set from latin1 to utf8mb4");
        assertVerdict(db, "CONVERT TO CHARACTER SET utf8mb4", Kind.NOT_REVERSIBLE, "changes character set from latin1 to utf8mb4");
        assertVerdict(db, "DROP COLUMN price, DROP INDEX u_key", Kind.NOT_REVERSIBLE, "drops unique key `u_key`");

        assertThat(TableContents.tables(db)).containsExactly("r");
    }

    private static void assertVerdict(TestDatabase db, String alter, Kind kind, String... findings) throws Exception {
        MigrationPlan plan = new MigrationPlan(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()),
                db.schema(), "r", alter, MigrationOptions.defaults().withInstantDdl(false));
        MigrationRunner runner = new MigrationRunner(plan, progress -> { });
        runner.inspectOnly();
        RevertVerdict verdict = runner.progress().plan().orElseThrow().revert();
        System.out.printf("[%s] %s: %s%n", db, alter, verdict.describe());
        assertThat(verdict.kind()).as(alter + ": " + verdict.describe()).isEqualTo(kind);
        String described = verdict.describe();
        for (String finding : findings) {
            assertThat(described).as(alter).contains(finding);
        }
        if (findings.length == 0) {
            assertThat(verdict.findings()).as(alter).isEmpty();
        }
    }
}
