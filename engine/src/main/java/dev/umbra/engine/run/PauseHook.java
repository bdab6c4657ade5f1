package dev.umbra.engine.run;

/** Called at each {@link PausePoint}, on the thread that reached it, which waits until it returns. */
@FunctionalInterface
interface PauseHook {

    PauseHook NONE = point -> { };

    void reached(PausePoint point) throws Exception;
}
