package dev.umbra.engine.run;

/** Called by the runner's own thread at each {@link PausePoint}; the runner waits until it returns. */
@FunctionalInterface
interface PauseHook {

    PauseHook NONE = point -> { };

    void reached(PausePoint point) throws Exception;
}
