package dev.umbra.engine.run;

import dev.umbra.engine.plan.MigrationOptions;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the cut-over's schedule lets an attempt (or an instant ALTER) start now: outside its
 * windows, before its not-before time, or so late in a window that the lock could outlast it, it
 * does not. What it waits for is recorded for the status.
 */
final class ScheduleWait {

    private final MigrationOptions options;
    private final RunState state;

    ScheduleWait(MigrationOptions options, RunState state) {
        this.options = options;
        this.state = state;
    }

    /**
     * Why no attempt may start now, if none may. The stage says it before the status's
     * {@code cutOverWaitsFor} does: a status read in between showed what the run waits for beside
     * an older stage.
     */
    Optional<String> closed() {
        Optional<String> closed = options.cutOverSchedule().closed(Instant.now(), options.cutOverLockTimeout());
        closed.ifPresent(reason -> state.stage = "waiting for " + reason);
        state.cutOverWaitsFor = closed.orElse(null);
        return closed;
    }

    /** True (after a pause) while the schedule holds the next attempt; the caller then asks again. */
    boolean waitWhileClosed() throws InterruptedException {
        Optional<String> closed = closed();
        if (closed.isPresent()) {
            Thread.sleep(500);
            return true;
        }
        return false;
    }
}
