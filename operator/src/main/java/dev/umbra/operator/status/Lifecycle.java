package dev.umbra.operator.status;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * The conditions that generic Kubernetes tools read (kstatus: Flux, {@code kubectl wait}, Argo CD's
 * generic health), derived from the phase every time the status is written, so that they can never
 * disagree with it:
 * <ul>
 *   <li>{@code Reconciling} True while the operator works on the migration;</li>
 *   <li>{@code Stalled} True when nothing more happens without a person: Failed, Aborted or Reverted
 *       (the spec's change is not in effect; with the failure's reason), paused by annotation, or
 *       waiting for the plan's or the cut-over's approval;</li>
 *   <li>{@code Ready} True once Done (set by the phase changes themselves), a revert window open or not.</li>
 * </ul>
 * Without them a Failed migration had only {@code Ready=False}, which kstatus reads as "in progress",
 * so a Flux Kustomization waited for its timeout instead of failing.
 */
public final class Lifecycle {

    private Lifecycle() {
    }

    public static void derive(SchemaMigrationStatus status) {
        MigrationPhase phase = status.getPhase();
        if (phase == null) {
            return;
        }
        if (phase == MigrationPhase.DONE) {
            Conditions.set(status, Conditions.RECONCILING, false, "Done", "The migration is done.");
            Conditions.set(status, Conditions.STALLED, false, "Done", "The migration is done.");
            return;
        }
        String stalledReason = null;
        String stalledMessage = null;
        if (phase == MigrationPhase.FAILED || phase == MigrationPhase.ABORTED || phase == MigrationPhase.REVERTED) {
            Condition ready = Conditions.get(status, Conditions.READY);
            stalledReason = ready != null && ready.getReason() != null ? ready.getReason() : phase.displayName();
            stalledMessage = status.getMessage();
        } else if (Conditions.isTrue(status, Conditions.PAUSED)) {
            stalledReason = "Paused";
            stalledMessage = "Copy and apply hold until the annotation " + Annotations.PAUSED + " is removed.";
        } else if (phase == MigrationPhase.AWAITING_PLAN_APPROVAL && !Conditions.isTrue(status, Conditions.PLAN_APPROVED)) {
            stalledReason = "AwaitingPlanApproval";
            stalledMessage = "The plan is in status.plan and waits for its approval: kubectl annotate schemamigration NAME "
                    + Annotations.APPROVE_PLAN + "=true";
        } else if (phase == MigrationPhase.AWAITING_CUT_OVER && !Conditions.isTrue(status, Conditions.CUT_OVER_APPROVED)) {
            stalledReason = "AwaitingCutOverApproval";
            stalledMessage = "Caught up and waiting for the cut-over approval: kubectl annotate schemamigration NAME "
                    + Annotations.APPROVE_CUT_OVER + "=true";
        }
        if (stalledReason != null) {
            Conditions.set(status, Conditions.STALLED, true, stalledReason, stalledMessage);
            Conditions.set(status, Conditions.RECONCILING, false, stalledReason, "Nothing more happens without a person.");
        } else {
            String message = status.getMessage() == null ? "The migration is " + phase.displayName() + "." : status.getMessage();
            Conditions.set(status, Conditions.RECONCILING, true, phase.displayName(), message);
            Conditions.set(status, Conditions.STALLED, false, "InProgress", message);
        }
    }
}
