package dev.umbra.engine.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.cutover.InterruptedCutOver.Outcome;
import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.util.List;

/** Where a cut-over stopped whose run died in it, read from the tables' names under the migration lock. */
class InterruptedCutOverTest {

    @EveryFlavor
    void theNamesSayWhetherTheTablesWereSwappedAndAFinishedSwapIsCleanedUp(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY)", "CREATE TABLE _items_gho (id INT PRIMARY KEY, status INT)",
                "CREATE TABLE _items_ghc (id INT PRIMARY KEY)", "CREATE TABLE _items_ghk (id INT PRIMARY KEY)");
        InterruptedCutOver cutOver = new InterruptedCutOver(new TableName(db.schema(), "items"));
        assertThat(examine(db, cutOver)).isEqualTo(Outcome.NOT_SWAPPED);

        db.execute("RENAME TABLE items TO _items_del, _items_gho TO items");
        List<String> guards = HelperTables.cutOverGuards("items");
        assertThat(guards).hasSize(2).allMatch(name -> name.matches("items_u[gp][0-9a-f]{6}"));
        for (String guard : guards) {
            db.execute("CREATE TABLE `" + guard + "` LIKE _items_del");
        }
        try (Connection session = db.connect()) {
            assertThat(cutOver.examine(session)).isEqualTo(Outcome.SWAPPED);
            cutOver.finishSwapped(session, false);
        }
        assertThat(TableContents.tables(db)).containsExactlyInAnyOrder("items", "_items_del");
        assertThat(TableContents.createStatement(db, "items")).contains("`status`");
    }

    @EveryFlavor
    void betweenTheTwoStepRenamesTheOriginalCanBePutBackAndAnythingElseIsUnclear(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE _items_del (id INT PRIMARY KEY)", "CREATE TABLE _items_gho (id INT PRIMARY KEY, status INT)",
                "INSERT INTO _items_del VALUES (1), (2)");
        InterruptedCutOver cutOver = new InterruptedCutOver(new TableName(db.schema(), "items"));
        assertThat(examine(db, cutOver)).isEqualTo(Outcome.ORIGINAL_RENAMED);
        db.execute(cutOver.putOriginalBack());
        assertThat(TableContents.rows(db, "items", List.of("id"))).containsExactly("1", "2");

        db.execute("DROP TABLE _items_gho");
        assertThat(examine(db, cutOver)).as("the original alone: the ghost is gone").isEqualTo(Outcome.UNCLEAR);
    }

    @EveryFlavor
    void whileAnotherRunHoldsTheLockNothingIsRead(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY)");
        try (Connection otherRun = db.connect()) {
            MigrationLock.acquire(otherRun, new TableName(db.schema(), "items"));
            assertThatThrownBy(() -> examine(db, new InterruptedCutOver(new TableName(db.schema(), "items"))))
                    .isInstanceOf(TableInUseException.class);
        }
    }

    private static Outcome examine(TestDatabase db, InterruptedCutOver cutOver) throws Exception {
        try (Connection session = db.connect()) {
            return cutOver.examine(session);
        }
    }
}
