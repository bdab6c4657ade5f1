package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the tables are swapped. */
public enum CutOverMethodName {
    /** Writers block briefly and one RENAME swaps both names: there is no moment without the table. */
    @JsonProperty("Atomic")
    ATOMIC,
    /**
     * The original is renamed away, then the ghost into place: for a moment the table does not exist
     * and writers get "Table doesn't exist". Only where Atomic cannot work.
     */
    @JsonProperty("TwoStep")
    TWO_STEP
}
