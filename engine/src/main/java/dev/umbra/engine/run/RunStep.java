package dev.umbra.engine.run;

/**
 * One step of a run (see {@link MigrationRunner}): it does its one job with what the {@link
 * MigrationSession} holds and leaves there what later steps need.
 */
@FunctionalInterface
interface RunStep {

    /** What follows a step. */
    enum Next {
        /** The next step. */
        GO_ON,
        /** Nothing: the table has its new definition (the instant path). */
        RUN_DONE
    }

    Next run(MigrationSession session) throws Exception;
}
