package dev.umbra.engine.cutover;

/**
 * The moments inside a cut-over attempt at which a {@link CutOverHook} is called. Tests hold an
 * attempt there to kill its sessions or change the conditions around it.
 */
public enum CutOverStep {
    /** The original is locked for writing; nothing is renamed; the last binlog changes are not applied yet. */
    LOCKED,
    /** Still locked; every change up to the lock is applied; the RENAME is not issued yet. */
    CAUGHT_UP,
    /**
     * Still locked; the original's triggers and foreign keys (if any) are off it and on the ghost
     * (two-step: not yet on the ghost, which gets them once the original is renamed away); nothing
     * is renamed yet.
     */
    RELATIONS_MOVED,
    /**
     * Two-step only: the original is renamed to the old-table name and unlocked; the new table is
     * not in place yet, so no table has the original's name.
     */
    ORIGINAL_RENAMED,
    /** Two sessions only: the locking session was just seen alive; the RENAME is sent next. */
    LOCK_CHECKED,
    /** Two sessions only: the RENAME waits for its metadata lock behind the locking session. */
    RENAME_QUEUED,
    /** The tables are swapped; the attempt has not yet released its locks or reported success. */
    SWAPPED
}
