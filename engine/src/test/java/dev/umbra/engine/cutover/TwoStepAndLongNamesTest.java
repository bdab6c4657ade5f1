package dev.umbra.engine.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.util.List;

class TwoStepAndLongNamesTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");

    /** The non-atomic option still loses nothing; writers may see "doesn't exist" for a moment. */
    @EveryFlavor
    void twoStepCutOverKeepsEveryRow(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 5_000);
        Progress done;
        try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
            writer.start(2);
            done = new MigrationRunner(Migrations.plan(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                    MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withCutOverMethod(CutOverMethod.TWO_STEP)),
                    ProgressListener.NONE).run();
        }
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.createStatement(db, "items")).contains("`status` tinyint");
        // Writes that hit the missing table failed in the writer and were not mirrored: still equal.
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, "items_mirror", COLUMNS));
    }

    /** Helper names must fit MySQL's 64-character limit, and two long names must not share helpers. */
    @EveryFlavor
    void aTableNamedWithAllSixtyFourCharactersMigrates(TestDatabase db) throws Exception {
        String name = "t".repeat(60) + "_abc";
        assertThat(name).hasSize(64);
        db.execute("CREATE TABLE `" + name + "` (id INT PRIMARY KEY, v INT)", "INSERT INTO `" + name + "` VALUES (1, 10), (2, 20)");

        Progress done = new MigrationRunner(Migrations.plan(db, name, "ADD COLUMN w INT"), ProgressListener.NONE).run();

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, name, List.of("id", "v"))).containsExactly("1|10", "2|20");
        List<String> tables = TableContents.tables(db);
        assertThat(tables).hasSize(2).contains(name);
        String old = tables.stream().filter(table -> !table.equals(name)).findFirst().orElseThrow();
        assertThat(old).hasSizeLessThanOrEqualTo(64).startsWith("_ttt").endsWith("_del");
    }
}
