package dev.umbra.operator.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;

/**
 * What a deleted resource's interrupted run leaves is dropped, except a ghost that may hold the
 * only copy of rows: the new table after a revert's swap back, or either side of a two-step rename
 * that stopped half way.
 */
class LeftoverHelperTablesTest {

    @EveryFlavor
    void theGhostOfAnInterruptedCopyIsDropped(TestDatabase db) throws Exception {
        helpers(db, true);

        assertThat(LeftoverHelperTables.drop(plan(db), false)).isTrue();

        assertThat(TableContents.tables(db)).containsExactly("_t_del", "t");
    }

    @EveryFlavor
    void theNewTableAfterARevertsSwapBackIsKept(TestDatabase db) throws Exception {
        helpers(db, true);

        assertThat(LeftoverHelperTables.drop(plan(db), true)).isFalse();

        assertThat(TableContents.tables(db)).containsExactly("_t_del", "_t_gho", "t");
    }

    @EveryFlavor
    void nothingThatMayServeIsDroppedWhileATwoStepRenameStoppedHalfWay(TestDatabase db) throws Exception {
        helpers(db, false);

        assertThat(LeftoverHelperTables.drop(plan(db), false)).isFalse();

        assertThat(TableContents.tables(db)).containsExactly("_t_del", "_t_gho");
        assertThat(TableContents.rows(db, "_t_gho", java.util.List.of("id"))).containsExactly("1", "2");
    }

    private static void helpers(TestDatabase db, boolean withTable) {
        db.execute("CREATE TABLE _t_gho (id INT PRIMARY KEY)", "INSERT INTO _t_gho VALUES (1), (2)",
                "CREATE TABLE _t_del (id INT PRIMARY KEY)", "CREATE TABLE _t_ghc (id INT PRIMARY KEY)",
                "CREATE TABLE _t_ghk (id INT PRIMARY KEY)");
        if (withTable) {
            db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
    }

    private static MigrationPlan plan(TestDatabase db) {
        return new MigrationPlan(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()), db.schema(), "t",
                "ADD COLUMN x INT", MigrationOptions.defaults());
    }
}
