package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** When each phase began (RFC 3339 times); a phase not reached yet has none. */
public class PhaseStartTimes {

    /** When the operator first saw the migration. */
    @JsonPropertyDescription("When the operator first saw the migration.")
    private String pending;

    /** When inspection began. */
    @JsonPropertyDescription("When inspection began.")
    private String inspecting;

    /** When the plan began to wait for its approval. */
    @JsonPropertyDescription("When the plan began to wait for its approval (spec.approval.plan Manual).")
    private String awaitingPlanApproval;

    /** When the row copy began. */
    @JsonPropertyDescription("When the row copy began.")
    private String copying;

    /** When the copy had caught up and the cut-over became possible. */
    @JsonPropertyDescription("When the copy had caught up and the cut-over became possible.")
    private String awaitingCutOver;

    /** When the cut-over began. */
    @JsonPropertyDescription("When the cut-over began.")
    private String cutOver;

    /** When the migration ended: Done, Failed or Aborted. */
    @JsonPropertyDescription("When the migration ended: Done, Failed or Aborted.")
    private String finished;

    /** When a revert began to swap the tables back within the revert window. */
    @JsonPropertyDescription("When a revert began to swap the tables back within the revert window (Reverting).")
    private String reverting;

    /** When a revert swapped the tables back within the revert window. */
    @JsonPropertyDescription("When a revert swapped the tables back within the revert window (Reverted).")
    private String reverted;

    /** Records {@code at} as the start of {@code phase}. */
    public void set(MigrationPhase phase, String at) {
        switch (phase) {
            case PENDING -> pending = at;
            case INSPECTING -> inspecting = at;
            case AWAITING_PLAN_APPROVAL -> awaitingPlanApproval = at;
            case COPYING -> copying = at;
            case AWAITING_CUT_OVER -> awaitingCutOver = at;
            case CUT_OVER -> cutOver = at;
            case DONE, FAILED, ABORTED -> finished = at;
            case REVERTING -> reverting = at;
            case REVERTED -> reverted = at;
        }
    }

    public String getPending() {
        return pending;
    }

    public void setPending(String pending) {
        this.pending = pending;
    }

    public String getInspecting() {
        return inspecting;
    }

    public void setInspecting(String inspecting) {
        this.inspecting = inspecting;
    }

    public String getAwaitingPlanApproval() {
        return awaitingPlanApproval;
    }

    public void setAwaitingPlanApproval(String awaitingPlanApproval) {
        this.awaitingPlanApproval = awaitingPlanApproval;
    }

    public String getCopying() {
        return copying;
    }

    public void setCopying(String copying) {
        this.copying = copying;
    }

    public String getAwaitingCutOver() {
        return awaitingCutOver;
    }

    public void setAwaitingCutOver(String awaitingCutOver) {
        this.awaitingCutOver = awaitingCutOver;
    }

    public String getCutOver() {
        return cutOver;
    }

    public void setCutOver(String cutOver) {
        this.cutOver = cutOver;
    }

    public String getReverting() {
        return reverting;
    }

    public void setReverting(String reverting) {
        this.reverting = reverting;
    }

    public String getReverted() {
        return reverted;
    }

    public void setReverted(String reverted) {
        this.reverted = reverted;
    }

    public String getFinished() {
        return finished;
    }

    public void setFinished(String finished) {
        this.finished = finished;
    }
}
