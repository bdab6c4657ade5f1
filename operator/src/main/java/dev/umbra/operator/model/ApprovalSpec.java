package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Who approves what before it happens. (The cut-over's approval is spec.cutOver.approval.) */
public class ApprovalSpec {

    /**
     * Automatic (the default): after inspection the migration goes on at once (the plan is still
     * shown in status.plan). Manual: it waits in AwaitingPlanApproval, with nothing created on the
     * server, until the annotation {@code umbra.dev/approve-plan: "true"}.
     */
    @Default("Automatic")
    @JsonPropertyDescription("Automatic (the default): after inspection the migration goes on at once; the plan is still"
            + " shown in status.plan. Manual: it inspects without creating anything, shows the plan in status.plan and"
            + " waits in AwaitingPlanApproval until the annotation umbra.dev/approve-plan: \"true\". If the table changes"
            + " so that the approved plan no longer holds (another method or key), the migration fails before copying.")
    private Approval plan;

    public Approval getPlan() {
        return plan;
    }

    public void setPlan(Approval plan) {
        this.plan = plan;
    }
}
