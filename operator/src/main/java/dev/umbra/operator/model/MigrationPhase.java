package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The phase users watch: Pending, Inspecting, (AwaitingPlanApproval,) Copying, AwaitingCutOver, CutOver, Done (then
 * Reverting and Reverted, when a revert is asked for within a revert window); or Failed / Aborted. Pending is the operator's own (not started yet); the others are the engine's
 * ({@link dev.umbra.operator.status.ProgressStatus#phaseOf}). The model depends on nothing but
 * Fabric8, so that the CRD generator can load it alone.
 */
public enum MigrationPhase {
    @JsonProperty("Pending")
    PENDING("Pending"),
    @JsonProperty("Inspecting")
    INSPECTING("Inspecting"),
    @JsonProperty("AwaitingPlanApproval")
    AWAITING_PLAN_APPROVAL("AwaitingPlanApproval"),
    @JsonProperty("Copying")
    COPYING("Copying"),
    @JsonProperty("AwaitingCutOver")
    AWAITING_CUT_OVER("AwaitingCutOver"),
    @JsonProperty("CutOver")
    CUT_OVER("CutOver"),
    @JsonProperty("Done")
    DONE("Done"),
    @JsonProperty("Reverting")
    REVERTING("Reverting"),
    @JsonProperty("Reverted")
    REVERTED("Reverted"),
    @JsonProperty("Failed")
    FAILED("Failed"),
    @JsonProperty("Aborted")
    ABORTED("Aborted");

    private final String displayName;

    MigrationPhase(String displayName) {
        this.displayName = displayName;
    }

    /**
     * Done, Reverted, Failed and Aborted: the migration never runs again. A Done migration may still
     * have a live run, keeping its old table in step during a revert window.
     */
    public boolean isFinal() {
        return this == DONE || this == REVERTED || this == FAILED || this == ABORTED;
    }

    /** A phase in which an engine run works on the database. */
    public boolean isRunning() {
        return this == INSPECTING || this == AWAITING_PLAN_APPROVAL || this == COPYING || this == AWAITING_CUT_OVER || this == CUT_OVER
                || this == REVERTING;
    }

    public String displayName() {
        return displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
