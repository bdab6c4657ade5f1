package dev.umbra.engine.testing;

import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.run.MigrationRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A migration running on its own thread, with every progress snapshot recorded. */
public final class BackgroundMigration {

    private final MigrationRunner runner;
    private final List<Progress> snapshots = new CopyOnWriteArrayList<>();
    private CompletableFuture<Progress> result;

    public BackgroundMigration(MigrationPlan plan) {
        this.runner = new MigrationRunner(plan, snapshots::add);
    }

    public MigrationRunner runner() {
        return runner;
    }

    public BackgroundMigration start() {
        result = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return this;
    }

    /**
     * Waits until the run is in {@code phase} and the listener has heard of it: the runner sets the
     * phase a moment before it publishes the snapshot, so a test that reads {@link #snapshots()}
     * right after seeing the phase could otherwise miss it.
     */
    public void awaitPhase(Phase phase, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        await("phase " + phase, progress -> progress.phase() == phase, timeout);
        while (snapshots.stream().noneMatch(progress -> progress.phase() == phase)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("phase " + phase + " was reached but never published within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /** Waits until a progress snapshot satisfies the condition, failing if the run ends first. */
    public void await(String what, Predicate<Progress> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(runner.progress())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not reached within " + timeout + "; now "
                        + runner.progress().phase() + ": " + runner.progress().message());
            }
            if (result.isDone() && !condition.test(runner.progress())) {
                throw new AssertionError("the migration ended in " + runner.progress().phase() + ": " + runner.progress().message());
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the end; returns the final snapshot, or the exception the run ended with. */
    public Progress awaitEnd(Duration timeout) throws Exception {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof IllegalStateException wrapper && wrapper.getCause() != null
                    ? wrapper.getCause() : e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw e;
        }
    }

    public List<Progress> snapshots() {
        return List.copyOf(snapshots);
    }
}
