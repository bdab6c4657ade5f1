package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who decides when the tables are swapped. */
public enum Approval {
    /** Wait in AwaitingCutOver until the {@code umbra.dev/approve-cut-over: "true"} annotation is set. */
    @JsonProperty("Manual")
    MANUAL,
    /** Cut over as soon as the copy has caught up. */
    @JsonProperty("Automatic")
    AUTOMATIC
}
