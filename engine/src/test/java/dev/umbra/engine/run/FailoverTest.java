package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.DatabaseServer;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.ServerOptions;
import dev.umbra.testkit.SharedServers;
import dev.umbra.testkit.TcpProxy;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A failover while a run waits for its cut-over: the application's address now leads to the
 * promoted replica, another server (its own server_id and server_uuid) that holds the run's helper
 * tables as replicated copies, and whose binary log positions mean nothing to the run. The run
 * stops, naming both servers, and touches nothing on the new primary; a new run there takes over
 * (resuming from the replicated checkpoint where the positions carry over, starting over where they
 * do not) and finishes with the table equal to the application's mirror.
 */
class FailoverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final MigrationOptions WAITING = MigrationOptions.defaults().withInstantDdl(false)
            .withChunkTime(Duration.ZERO).withChunkSize(200);

    /** With GTIDs, and on MySQL also without (MariaDB always has them: its replica resumes by GTID). */
    @EveryFlavor
    void theRunStopsAndANewRunOnThePromotedReplicaFinishesWithAndWithoutGtids(TestDatabase flavor) throws Exception {
        failOver(flavor, flavor.server().options());
        if (!flavor.flavor().isMariaDb()) {
            failOver(flavor, ServerOptions.withoutGtid());
        }
    }

    private static void failOver(TestDatabase flavor, ServerOptions options) throws Exception {
        try (DatabaseServer primary = SharedServers.startPrivate(flavor.flavor(), options);
             DatabaseServer replica = primary.startReplica();
             TestDatabase db = TestDatabase.on(primary);
             TcpProxy address = TcpProxy.to(primary.host(), primary.port())) {
            SampleTable.create(db::connect, "items", 2_000);
            BackgroundMigration first;
            try (MirroredWriter writer = new MirroredWriter(db::connect, "items")) {
                writer.start(2);
                first = new BackgroundMigration(new MigrationPlan(new ConnectionSettings(address.host(), address.port(),
                        db.user(), db.password()), db.schema(), "items", ALTER, WAITING)).start();
                first.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
                Thread.sleep(500);
            }
            TestDatabase promoted = TestDatabase.existingSchemaOn(replica, db.schema());
            awaitCaughtUp(db, promoted);
            replica.executeAsRoot("STOP SLAVE");
            address.retarget(replica.port());
            address.cutAll();
            long failedOverAt = System.nanoTime();

            assertThatThrownBy(() -> first.awaitEnd(TIMEOUT)).isInstanceOf(MigrationFailedException.class);
            Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - failedOverAt);
            Progress stopped = first.runner().progress();
            assertThat(stoppedAfter).isLessThan(Duration.ofSeconds(30));
            assertThat(stopped.failure()).contains(FailureKind.OWNERSHIP_LOST);
            assertThat(stopped.message()).contains("is not the one this migration started on")
                    .contains("server_id " + primary.serverId()).contains("server_id " + replica.serverId())
                    .contains("every table was left alone");
            assertThat(TableContents.tables(promoted)).contains("_items_gho", "_items_ghc");

            try (MirroredWriter writer = new MirroredWriter(promoted::connect, "items")) {
                writer.start(2);
                BackgroundMigration second = new BackgroundMigration(Migrations.plan(promoted, "items", ALTER,
                        WAITING.withAutoApproveCutOver(true).withCheckpointInterval(Duration.ofMillis(200)))).start();
                Progress done = second.awaitEnd(TIMEOUT);
                writer.close();
                System.out.printf("[%s, gtid=%s] the first run stopped %.1f s after the failover: %s%n  the second run: %s%n",
                        flavor, options.gtid(), stoppedAfter.toMillis() / 1000.0, stopped.message(),
                        second.snapshots().stream().filter(p -> p.phase() == Phase.COPYING).findFirst()
                                .map(Progress::message).orElse("-"));
                assertThat(done.phase()).isEqualTo(Phase.DONE);
                assertThat(writer.errors()).isEmpty();
                assertThat(TableContents.rows(promoted, "items", COLUMNS))
                        .isEqualTo(TableContents.rows(promoted, writer.mirror(), COLUMNS));
                assertThat(TableContents.createStatement(promoted, "items")).contains("`status`");
                assertThat(TableContents.tables(promoted)).containsExactlyInAnyOrder("items", "items_mirror", "_items_del");
            }
        }
    }

    /** The replica has applied everything the primary committed: the failover loses no write. */
    private static void awaitCaughtUp(TestDatabase primary, TestDatabase replica) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                if (TableContents.rows(replica, "items_mirror", COLUMNS).equals(TableContents.rows(primary, "items_mirror", COLUMNS))
                        && TableContents.tables(replica).containsAll(TableContents.tables(primary))) {
                    return;
                }
            } catch (SQLException notYet) {
                // a table not replicated yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the replica did not catch up within " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
