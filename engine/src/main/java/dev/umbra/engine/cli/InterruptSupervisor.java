package dev.umbra.engine.cli;

import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.engine.table.HelperTables;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a command's work with a shutdown hook in place: an interrupt (Ctrl-C, SIGTERM) aborts the
 * migration and waits for its clean-up (helper tables dropped) before the JVM goes on exiting.
 */
final class InterruptSupervisor {

    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(60);

    private final MigrationRunner runner;
    private final PrintWriter err;
    private final boolean exitsProcess;
    private final HelperTables helpers;
    private final String database;

    /** @param exitsProcess whether the CLI ends the JVM itself (not when a test runs it) */
    InterruptSupervisor(MigrationRunner runner, PrintWriter err, boolean exitsProcess, HelperTables helpers, String database) {
        this.runner = runner;
        this.err = err;
        this.exitsProcess = exitsProcess;
        this.helpers = helpers;
        this.database = database;
    }

    int run(Callable<Integer> work) {
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(UmbraCli.EXIT_ABORTED);
        Thread hook = new Thread(() -> onInterrupt(finished, exitCode), "umbra-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int code = work.call();
            exitCode.set(code);
            return code;
        } catch (RuntimeException e) {
            err.println("Failed: unexpected error: " + e);
            exitCode.set(UmbraCli.EXIT_FAILED);
            return UmbraCli.EXIT_FAILED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            err.flush();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private void onInterrupt(CountDownLatch finished, AtomicInteger exitCode) {
        if (finished.getCount() == 0) {
            return;
        }
        err.println(runner.progress().phase() == Phase.DONE
                ? "Interrupted: closing the revert window; the table keeps its new definition."
                : "Interrupted: aborting; the original table stays as it is and the helper tables are dropped.");
        err.flush();
        runner.control().abort("interrupted");
        boolean cleanedUp;
        try {
            cleanedUp = finished.await(CLEANUP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cleanedUp = false;
        }
        if (!cleanedUp) {
            err.println("The cleanup did not finish within " + CLEANUP_WAIT.toSeconds() + " s; check `" + database
                    + "` for the helper tables `" + helpers.ghost() + "` and `" + helpers.changelog() + "` and drop them.");
        }
        err.flush();
        if (exitsProcess) {
            // System.exit would block while shutdown hooks run: end with the run's own exit code.
            Runtime.getRuntime().halt(cleanedUp ? exitCode.get() : UmbraCli.EXIT_ABORTED);
        }
    }
}
