package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a step waits for a person's approval (the plan: spec.approval.plan; the cut-over: spec.cutOver.approval). */
public enum Approval {
    /** Wait (in AwaitingPlanApproval or AwaitingCutOver) until the step's approval annotation is set. */
    @JsonProperty("Manual")
    MANUAL,
    /** Go on as soon as the step can. */
    @JsonProperty("Automatic")
    AUTOMATIC
}
