package dev.umbra.engine.run;

import dev.umbra.engine.cutover.CutOver;
import dev.umbra.engine.cutover.CutOverHook;
import java.util.Optional;

/**
 * Where tests reach into a run: held at a {@link PausePoint}, called at each step of a cut-over
 * attempt, or swapping with a method of their own. The steps ask this object; a production run
 * has it with nothing set.
 */
final class RunHooks {

    private volatile PauseHook pause = PauseHook.NONE;
    private volatile CutOverHook cutOver = CutOverHook.NONE;
    private volatile CutOver cutOverMethod;

    /** Holds the run at each {@link PausePoint} until the hook returns. */
    RunHooks onPause(PauseHook hook) {
        this.pause = hook;
        return this;
    }

    /** Called by every cut-over attempt at each of its steps. */
    RunHooks onCutOver(CutOverHook hook) {
        this.cutOver = hook;
        return this;
    }

    /** Swaps with this method instead of the one chosen for the server. */
    RunHooks useCutOver(CutOver method) {
        this.cutOverMethod = method;
        return this;
    }

    PauseHook pause() {
        return pause;
    }

    CutOverHook cutOver() {
        return cutOver;
    }

    Optional<CutOver> cutOverMethod() {
        return Optional.ofNullable(cutOverMethod);
    }
}
