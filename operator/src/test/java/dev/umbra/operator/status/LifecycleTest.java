package dev.umbra.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What generic tools make of each phase (kstatus): work in progress is InProgress, a migration that
 * ended without its change in effect (Failed, Aborted, Reverted) or waits for a person is Failed
 * (Stalled, with the reason), Done is Current.
 */
class LifecycleTest {

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void everyPhaseReadsAsKstatusExpects(MigrationPhase phase) {
        SchemaMigrationStatus status = statusIn(phase, true);

        String expected = switch (phase) {
            case DONE -> "Current";
            case FAILED, ABORTED, REVERTED -> "Failed";
            default -> "InProgress";
        };
        assertThat(KstatusRules.of(3, status)).as("%s, plan and cut-over approved", phase).isEqualTo(expected);
        assertThat(Conditions.isTrue(status, Conditions.STALLED)).isEqualTo(expected.equals("Failed"));
        assertThat(Conditions.isTrue(status, Conditions.RECONCILING)).isEqualTo(expected.equals("InProgress"));
    }

    @Test
    void aFailureStallsWithItsOwnReason() {
        SchemaMigrationStatus status = statusIn(MigrationPhase.FAILED, true);
        Conditions.set(status, Conditions.READY, false, "InvalidSpec", "Failed: spec.database.host ...");
        Lifecycle.derive(status);
        assertThat(Conditions.get(status, Conditions.STALLED).getReason()).isEqualTo("InvalidSpec");
    }

    @Test
    void waitingForThePlanApprovalIsStalledUntilItIsApproved() {
        SchemaMigrationStatus awaiting = statusIn(MigrationPhase.AWAITING_PLAN_APPROVAL, false);
        assertThat(KstatusRules.of(3, awaiting)).isEqualTo("Failed");
        assertThat(Conditions.get(awaiting, Conditions.STALLED).getReason()).isEqualTo("AwaitingPlanApproval");
        assertThat(Conditions.get(awaiting, Conditions.STALLED).getMessage()).contains("umbra.dev/approve-plan=true");

        Conditions.set(awaiting, Conditions.PLAN_APPROVED, true, "ApprovedByAnnotation", "approved");
        Lifecycle.derive(awaiting);
        assertThat(KstatusRules.of(3, awaiting)).isEqualTo("InProgress");
    }

    @Test
    void waitingForTheCutOverApprovalOrPausedIsStalledAndResumingIsNot() {
        SchemaMigrationStatus awaiting = statusIn(MigrationPhase.AWAITING_CUT_OVER, false);
        assertThat(KstatusRules.of(3, awaiting)).isEqualTo("Failed");
        assertThat(Conditions.get(awaiting, Conditions.STALLED).getReason()).isEqualTo("AwaitingCutOverApproval");

        Conditions.set(awaiting, Conditions.CUT_OVER_APPROVED, true, "ApprovedByAnnotation", "approved");
        Lifecycle.derive(awaiting);
        assertThat(KstatusRules.of(3, awaiting)).isEqualTo("InProgress");

        SchemaMigrationStatus copying = statusIn(MigrationPhase.COPYING, true);
        Conditions.set(copying, Conditions.PAUSED, true, "PausedByAnnotation", "paused");
        Lifecycle.derive(copying);
        assertThat(KstatusRules.of(3, copying)).isEqualTo("Failed");
        assertThat(Conditions.get(copying, Conditions.STALLED).getReason()).isEqualTo("Paused");
        Conditions.set(copying, Conditions.PAUSED, false, "Resumed", "resumed");
        Lifecycle.derive(copying);
        assertThat(KstatusRules.of(3, copying)).isEqualTo("InProgress");
    }

    @Test
    void aStatusOfAnOlderGenerationIsInProgress() {
        assertThat(KstatusRules.of(4, statusIn(MigrationPhase.DONE, true))).isEqualTo("InProgress");
    }

    /** A status as the operator writes it in that phase: Ready as the phase changes set it, then derived. */
    /** {@code approved}: the plan and the cut-over, each approved by its annotation. */
    private static SchemaMigrationStatus statusIn(MigrationPhase phase, boolean approved) {
        SchemaMigrationStatus status = new SchemaMigrationStatus();
        status.setObservedGeneration(3L);
        status.setPhase(phase);
        status.setMessage(phase.displayName() + ": ...");
        Conditions.set(status, Conditions.PLAN_APPROVED, approved, "test", "test");
        Conditions.set(status, Conditions.CUT_OVER_APPROVED, approved, "test", "test");
        Conditions.set(status, Conditions.READY, phase == MigrationPhase.DONE,
                phase == MigrationPhase.DONE ? "Done" : phase.isFinal() ? phase.displayName() : "InProgress", "test");
        Lifecycle.derive(status);
        return status;
    }
}
