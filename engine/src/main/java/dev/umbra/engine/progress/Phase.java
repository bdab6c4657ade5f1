package dev.umbra.engine.progress;

/**
 * Where a migration is. The order is Inspecting, (AwaitingPlanApproval,) Copying, AwaitingCutOver,
 * CutOver, Done (then Reverting and Reverted, if a revert is asked for within a revert window); Failed and Aborted end a migration early with the original table untouched and
 * serving. AwaitingPlanApproval comes only when the plan must be approved, and nothing exists on the
 * server for the run while it waits there.
 */
public enum Phase {
    INSPECTING("Inspecting"),
    AWAITING_PLAN_APPROVAL("AwaitingPlanApproval"),
    COPYING("Copying"),
    AWAITING_CUT_OVER("AwaitingCutOver"),
    CUT_OVER("CutOver"),
    DONE("Done"),
    /** Within the revert window after Done: the tables are being swapped back. */
    REVERTING("Reverting"),
    /** Done, then swapped back within the revert window: the table has its old definition again. */
    REVERTED("Reverted"),
    FAILED("Failed"),
    ABORTED("Aborted");

    private final String displayName;

    Phase(String displayName) {
        this.displayName = displayName;
    }

    /** The name users see (status, CLI), e.g. {@code AwaitingCutOver}. */
    public String displayName() {
        return displayName;
    }

    public boolean isFinal() {
        return this == DONE || this == REVERTED || this == FAILED || this == ABORTED;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
