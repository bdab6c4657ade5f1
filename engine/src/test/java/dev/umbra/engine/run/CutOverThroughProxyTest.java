package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.cutover.CutOverStep;
import dev.umbra.engine.cutover.TwoSessionCutOver;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.ServerSessions;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gh-ost's failure mode 4, cut-over through a proxy: behind ProxySQL, {@code CONNECTION_ID()} is
 * not the session's processlist id, and a cut-over that finds its sessions by id waits for or
 * kills the wrong one. Every engine session here gets another {@code pseudo_thread_id}, which makes
 * {@code CONNECTION_ID()} disagree with the processlist the same way.
 *
 * <p>The two-session cut-over runs on every server (it is the one that looks for its RENAME in the
 * processlist). The first attempt must see its RENAME queued (found by the token in its text) and
 * is then ended by a throttle, so it must also find the RENAME again to kill it: a RENAME looked
 * for by {@code CONNECTION_ID()} would never be seen queued, and if missed when killing, it would
 * swap the tables behind an attempt that reported failure.
 */
class CutOverThroughProxyTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");

    @EveryFlavor
    void theRenameIsFoundAndCancelledByItsTokenWhileConnectionIdsDisagree(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items",
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withCutOverLockTimeout(Duration.ofSeconds(5))));
        migration.runner().hooks().useCutOver(new TwoSessionCutOver());
        Map<Long, Long> pseudoIdByProcesslistId = new ConcurrentHashMap<>();
        migration.runner().setSessionInitializer(connection -> {
            long pseudo = ThreadLocalRandom.current().nextLong(100_000, 900_000);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET @@session.pseudo_thread_id = " + pseudo);
            }
            pseudoIdByProcesslistId.put(ServerSessions.processlistId(connection), pseudo);
        });
        AtomicReference<Optional<String>> throttle = new AtomicReference<>(Optional.empty());
        migration.runner().setExternalThrottle(throttle::get);
        List<String> seen = new ArrayList<>();
        migration.runner().hooks().onCutOver((step, sessions) -> {
            if (step != CutOverStep.RENAME_QUEUED || !seen.isEmpty()) {
                return;
            }
            long lockingId = ServerSessions.processlistId(sessions.locking());
            try (Statement statement = sessions.locking().createStatement();
                 ResultSet row = statement.executeQuery("SELECT CONNECTION_ID()")) {
                row.next();
                seen.add("locking session: CONNECTION_ID() " + row.getLong(1) + ", processlist id " + lockingId);
                assertThat(row.getLong(1)).isEqualTo(pseudoIdByProcesslistId.get(lockingId)).isNotEqualTo(lockingId);
            }
            long renamingId = ServerSessions.processlistId(sessions.renaming());
            try (Connection observer = db.connect(); PreparedStatement statement = observer.prepareStatement(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'RENAME /* umbra-cut-over-%'")) {
                try (ResultSet row = statement.executeQuery()) {
                    assertThat(row.next()).as("the queued RENAME in the processlist").isTrue();
                    seen.add("queued RENAME: processlist id " + row.getLong(1) + ", its session's CONNECTION_ID() "
                            + pseudoIdByProcesslistId.get(renamingId));
                    assertThat(row.getLong(1)).isEqualTo(renamingId).isNotEqualTo(pseudoIdByProcesslistId.get(renamingId));
                }
            }
            throttle.set(Optional.of("load too high"));
            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(() -> throttle.set(Optional.empty()));
        });
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            writer.start(2);
            done = migration.start().awaitEnd(Duration.ofSeconds(90));
        }
        System.out.printf("[%s] %s; %d attempts%n", db, seen, done.cutOverAttempts());

        assertThat(seen).as("the hook saw the queued RENAME").hasSize(2);
        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.cutOverAttempts()).isEqualTo(2);
        assertThat(migration.snapshots()).anySatisfy(progress -> assertThat(progress.message())
                .contains("Cut-over attempt 1 failed: throttled during the cut-over (load too high)"));
        assertThat(writer.errors()).isEmpty();
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
    }
}
