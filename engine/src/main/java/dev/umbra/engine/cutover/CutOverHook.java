package dev.umbra.engine.cutover;

import java.sql.Connection;

/**
 * Called by a cut-over attempt at each {@link CutOverStep}; the attempt waits until it returns.
 * Only tests set one: they kill the attempt's sessions at a chosen step, or start throttling.
 */
@FunctionalInterface
public interface CutOverHook {

    CutOverHook NONE = (step, sessions) -> { };

    void reached(CutOverStep step, Sessions sessions) throws Exception;

    /**
     * The sessions of the attempt at that step.
     *
     * @param locking  the session holding LOCK TABLES on the original
     * @param renaming the session that issues (or issued) the RENAME: the locking one itself in the
     *                 single-session form, null while the two-session form has not opened it yet
     */
    record Sessions(Connection locking, Connection renaming) {
    }
}
