package dev.umbra.engine.run;

import dev.umbra.engine.cutover.CutOverStep;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes a migration's first cut-over attempt fail once it has moved the original's triggers and
 * foreign keys to the ghost, as a lost statement would, after a look at the ghost at that moment.
 */
final class FirstAttemptFailure {

    private FirstAttemptFailure() {
    }

    /** Returns what {@code lookAtTheGhost} saw at the failing attempt, once it has run. */
    static <T> List<T> afterRelationsMoved(MigrationRunner runner, Callable<T> lookAtTheGhost) {
        List<T> seen = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        runner.hooks().onCutOver((step, sessions) -> {
            if (step == CutOverStep.RELATIONS_MOVED && attempts.getAndIncrement() == 0) {
                seen.add(lookAtTheGhost.call());
                throw new IllegalStateException("failing the first attempt on purpose");
            }
        });
        return seen;
    }
}
