package dev.umbra.engine.plan;

/** How the tables are swapped. */
public enum CutOverMethod {
    /** Writers block briefly and one RENAME swaps both names: no moment without the table. */
    ATOMIC,
    /**
     * Rename the original away, then the ghost into place: simpler, but for a moment the table does
     * not exist and writers get "Table doesn't exist". Only for servers where ATOMIC cannot work.
     */
    TWO_STEP
}
