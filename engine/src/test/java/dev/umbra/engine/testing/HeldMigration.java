package dev.umbra.engine.testing;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.testkit.TestDatabase;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A migration running on a background thread without auto-approval, held in AwaitingCutOver: the
 * copy is finished, so whatever a test writes to the table from then on reaches the ghost table
 * only through the binlog apply path. {@link #cutOver()} approves and waits for Done.
 *
 * <pre>{@code
 * try (HeldMigration migration = HeldMigration.start(db, "t", "ADD COLUMN e INT")) {
 *     db.execute("UPDATE t SET ...");   // applied from the binlog
 *     Progress done = migration.cutOver();
 * }
 * }</pre>
 */
public final class HeldMigration implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final MigrationRunner runner;
    private final FutureTask<Progress> outcome;

    private HeldMigration(MigrationRunner runner) {
        this.runner = runner;
        this.outcome = new FutureTask<>(runner::run);
        Thread thread = new Thread(outcome, "held-migration");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts migrating {@code table} and returns once the migration awaits its cut-over. */
    public static HeldMigration start(TestDatabase db, String table, String alter) throws InterruptedException {
        HeldMigration migration = new HeldMigration(new MigrationRunner(
                Migrations.plan(db, table, alter, MigrationOptions.defaults().withInstantDdl(false)), ProgressListener.NONE));
        try {
            migration.awaitAwaitingCutOver();
        } catch (RuntimeException | Error e) {
            migration.close();
            throw e;
        }
        return migration;
    }

    private void awaitAwaitingCutOver() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (runner.progress().phase() != Phase.AWAITING_CUT_OVER) {
            if (outcome.isDone()) {
                throw new AssertionError("The migration ended before AwaitingCutOver: " + ending());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No AwaitingCutOver within " + TIMEOUT.toSeconds() + " s; now "
                        + runner.progress().phase() + ": " + runner.progress().message());
            }
            Thread.sleep(20);
        }
    }

    public MigrationRunner runner() {
        return runner;
    }

    /** Approves the cut-over and returns the final progress, which must be Done. */
    public Progress cutOver() throws InterruptedException {
        runner.control().approveCutOver();
        Progress done;
        try {
            done = outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("The migration failed at or after the cut-over: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("Not Done within " + TIMEOUT.toSeconds() + " s after approval; now "
                    + runner.progress().phase() + ": " + runner.progress().message());
        }
        if (done.phase() != Phase.DONE) {
            throw new AssertionError("The migration ended in " + done.phase() + ": " + done.message());
        }
        return done;
    }

    private String ending() {
        try {
            Progress progress = outcome.get();
            return progress.phase() + ": " + progress.message();
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Aborts the migration if it is still running (a failed test), and waits for it to end. */
    @Override
    public void close() {
        if (outcome.isDone()) {
            return;
        }
        runner.control().abort("the test ended");
        try {
            outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // aborted, as asked; the test already failed for its own reason
        }
    }
}
