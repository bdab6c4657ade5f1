package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The heart of Umbra: a table under inserts, updates (some changing the primary key) and deletes
 * from several threads is migrated online and afterwards equals the mirror the writer kept.
 */
class OnlineAlterUnderWritesTest {

    private static final int ROWS = 50_000;
    private static final List<String> SHARED_COLUMNS = List.of("id", "name", "qty", "updated_at", "note");

    @EveryFlavor
    void migratedTableEqualsTheWritersMirror(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", ROWS);
        MigrationPlan plan = new MigrationPlan(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()),
                db.schema(), "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX idx_qty (qty)",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true));
        List<Phase> phases = new CopyOnWriteArrayList<>();
        MigrationRunner runner = new MigrationRunner(plan, progress -> {
            if (phases.isEmpty() || phases.get(phases.size() - 1) != progress.phase()) {
                phases.add(progress.phase());
            }
        });

        Progress done;
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        try (writer) {
            writer.start(4);
            Thread.sleep(300);
            done = runner.run();
            Thread.sleep(300); // writes after the cut-over land in the new table
        }

        System.out.printf("[%s] rows copied %d, binlog changes applied %d, writer ops %d, writer's longest stall %d ms,"
                        + " cut-over lock %d ms%n", db, done.rowsCopied(), done.eventsApplied(), writer.operations(),
                writer.longestStall().toMillis(), done.lastLockTime().orElseThrow().toMillis());
        assertThat(writer.operations()).isGreaterThan(100);
        assertThat(phases).containsExactly(Phase.INSPECTING, Phase.COPYING, Phase.AWAITING_CUT_OVER, Phase.CUT_OVER, Phase.DONE);
        assertThat(done.eventsApplied()).isGreaterThan(0);
        assertThat(TableContents.createStatement(db, "items")).contains("`status` tinyint").contains("KEY `idx_qty`");
        List<String> migrated = TableContents.rows(db, "items", SHARED_COLUMNS);
        List<String> mirror = TableContents.rows(db, writer.mirror(), SHARED_COLUMNS);
        assertThat(migrated).hasSize(mirror.size());
        assertThat(migrated).isEqualTo(mirror);
        assertThat(writer.errors()).isEmpty();
        assertThat(TableContents.tables(db)).containsExactly("_items_del", "items", "items_mirror");
    }
}
