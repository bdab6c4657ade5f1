package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.cutover.CutOverStep;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.DiagnosticsLog;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.ServerSessions;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gh-ost's failure mode 5, cut-over stalls and dirty retries: a throttle that starts while an
 * attempt holds the lock ends that attempt at once; a long transaction makes each attempt give up
 * within the lock timeout, with the blocking session named in the status; after the last attempt
 * the migration fails with the original as it was, the helpers gone and no lock left behind.
 */
class CutOverUnderStressTest {

    private static final List<String> COLUMNS = List.of("id", "name", "qty", "updated_at", "note");
    private static final String ALTER = "ADD COLUMN status TINYINT NOT NULL DEFAULT 1";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @EveryFlavor
    void aThrottleThatStartsUnderTheLockEndsTheAttemptAtOnceAndTheNextRunsWhenItClears(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        Duration lockTimeout = Duration.ofSeconds(10); // far longer than the attempt may hold writers
        // Without the checksum: its range locks are bounded by the same long timeout (a writer that
        // meets one may wait half of it), and this measures what the cut-over alone holds writers.
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withCutOverLockTimeout(lockTimeout)
                        .withVerify(false)));
        AtomicReference<Optional<String>> throttle = new AtomicReference<>(Optional.empty());
        migration.runner().setExternalThrottle(throttle::get);
        migration.runner().hooks().onCutOver((step, sessions) -> {
            if (step == CutOverStep.LOCKED && migration.runner().progress().cutOverAttempts() == 1) {
                throttle.set(Optional.of("replica lag 2.4 s is over 1.5 s"));
                CompletableFuture.delayedExecutor(1500, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(() -> throttle.set(Optional.empty()));
            }
        });
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        Progress done;
        try (writer) {
            writer.start(2);
            done = migration.start().awaitEnd(TIMEOUT);
        }
        System.out.printf("[%s] throttled under the lock: %d attempts, writer's longest stall %d ms (lock timeout %d ms)%n",
                db, done.cutOverAttempts(), writer.longestStall().toMillis(), lockTimeout.toMillis());

        assertThat(done.phase()).isEqualTo(Phase.DONE);
        assertThat(done.cutOverAttempts()).as("no attempt is made while throttled").isEqualTo(2);
        assertThat(migration.snapshots()).anySatisfy(progress -> assertThat(progress.message())
                .contains("Cut-over attempt 1 failed: throttled during the cut-over (replica lag 2.4 s is over 1.5 s)"));
        assertThat(migration.snapshots()).anySatisfy(progress -> {
            assertThat(progress.phase()).isEqualTo(Phase.CUT_OVER);
            assertThat(progress.throttle()).hasValueSatisfying(hold -> assertThat(hold.reason()).contains("replica lag"));
        });
        assertThat(writer.longestStall()).as("writers were let go, not held for the lock timeout").isLessThan(Duration.ofSeconds(3));
        assertThat(writer.errors()).isEmpty();
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
    }

    @EveryFlavor
    void aLongTransactionTimesOutEveryAttemptIsNamedAndTheLastAttemptFailsCleanly(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        db.execute("CREATE TABLE report_runs (id INT PRIMARY KEY)");
        String definition = withoutCounter(TableContents.createStatement(db, "items"));
        List<String> tables = TableContents.tables(db);
        Duration lockTimeout = Duration.ofSeconds(1);
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, "items", ALTER,
                MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true).withCutOverLockTimeout(lockTimeout)
                        .withCutOverMaxAttempts(2).withDiagnosticsIncludeStatements(true)));
        MirroredWriter writer = new MirroredWriter(db::connect, "items");
        MigrationFailedException failed;
        long blockerId;
        String diagnostics;
        try (Connection blocker = db.connect(); Statement statement = blocker.createStatement();
             Statement report = blocker.createStatement(); writer; DiagnosticsLog log = new DiagnosticsLog()) {
            // A report holds its transaction (and so its metadata lock on items) open for minutes.
            blocker.setAutoCommit(false);
            statement.execute("INSERT INTO report_runs VALUES (1)");
            statement.executeQuery("SELECT COUNT(*) FROM items").close();
            blockerId = ServerSessions.processlistId(blocker);
            CompletableFuture<Void> reporting = CompletableFuture.runAsync(() -> {
                try {
                    report.executeQuery("SELECT SLEEP(120), 'ACME-Corp-secret' /* nightly report */").close();
                } catch (Exception ignored) {
                    // killed below
                }
            });
            writer.start(2);
            failed = catchThrowableOfType(MigrationFailedException.class, () -> migration.start().awaitEnd(TIMEOUT));
            db.server().executeAsRoot("KILL QUERY " + blockerId);
            reporting.join();
            blocker.rollback();
            diagnostics = log.all();
        }
        Progress end = migration.runner().progress();
        System.out.printf("[%s] %s; writer's longest stall %d ms (lock timeout %d ms)%n", db, end.message(),
                writer.longestStall().toMillis(), lockTimeout.toMillis());

        assertThat(failed).isNotNull();
        assertThat(end.phase()).isEqualTo(Phase.FAILED);
        assertThat(end.cutOverAttempts()).isEqualTo(2);
        assertThat(end.failure()).contains(FailureKind.CUT_OVER_FAILED);
        assertThat(end.message()).contains("cut-over failed 2 times").containsIgnoringCase("lock wait timeout")
                .contains("processlist id " + blockerId).contains("user umbra").contains("running a statement (Query)")
                .contains("original table is untouched")
                // The blocker's statement holds a literal: data, which status and Events must not carry.
                .doesNotContain("ACME-Corp-secret").doesNotContain("SLEEP");
        assertThat(diagnostics).as("with diagnostics on, the statement is in the log")
                .contains("processlist id " + blockerId + " is running \"SELECT SLEEP(120), 'ACME-Corp-secret'");
        assertThat(migration.snapshots()).anySatisfy(progress -> assertThat(progress.message())
                .contains("Cut-over attempt 1 failed").contains("processlist id " + blockerId));
        assertThat(writer.longestStall()).as("writers blocked by one attempt").isLessThan(lockTimeout.plusMillis(1500));
        assertThat(writer.errors()).isEmpty();
        assertThat(TableContents.tables(db)).as("helper tables dropped").isEqualTo(tables);
        assertThat(withoutCounter(TableContents.createStatement(db, "items"))).isEqualTo(definition);
        assertThat(TableContents.rows(db, "items", COLUMNS)).isEqualTo(TableContents.rows(db, writer.mirror(), COLUMNS));
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION lock_wait_timeout = 1");
            statement.execute("LOCK TABLES items WRITE"); // fails if the engine left any lock behind
            statement.execute("UNLOCK TABLES");
        }
    }

    /** The definition without its AUTO_INCREMENT counter, which the writers move on. */
    private static String withoutCounter(String createTable) {
        return createTable.replaceAll(" AUTO_INCREMENT=\\d+", "");
    }
}
