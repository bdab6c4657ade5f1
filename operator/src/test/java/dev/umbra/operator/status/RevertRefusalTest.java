package dev.umbra.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.PlanStatus;
import dev.umbra.operator.model.RevertStatus;
import dev.umbra.operator.model.SchemaMigrationStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a person who annotates umbra.dev/revert learns when no revert is coming: always why. */
class RevertRefusalTest {

    private static final RevertOptions TEN_MINUTES = new RevertOptions(Duration.ofMinutes(10), false);

    @Test
    void aMigrationThatAsksForNoWindowSaysSoWhateverItsPhase() {
        for (MigrationPhase phase : List.of(MigrationPhase.COPYING, MigrationPhase.DONE)) {
            RevertRefusal refusal = RevertRefusal.of(status(phase, null, null), RevertOptions.off()).orElseThrow();
            assertThat(refusal.reason()).isEqualTo("NoRevertWindow");
            assertThat(refusal.message()).startsWith("Nothing was reverted: ").contains("spec.revert.window is 0");
        }
    }

    @Test
    void beforeTheCutOverTheAnnotationIsIgnoredAndThePersonToldToSetItAgainLater() {
        RevertRefusal refusal = RevertRefusal.of(status(MigrationPhase.AWAITING_CUT_OVER, null, null), TEN_MINUTES)
                .orElseThrow();
        assertThat(refusal.reason()).isEqualTo("NotCutOverYet");
        assertThat(refusal.message()).contains("AwaitingCutOver", "has not cut over yet", "remove it",
                "status.revert.reversible is true", "umbra.dev/abort");
    }

    @Test
    void aFailedOrAbortedMigrationNeverChangedTheTable() {
        RevertRefusal refusal = RevertRefusal.of(status(MigrationPhase.ABORTED, null, null), TEN_MINUTES).orElseThrow();
        assertThat(refusal.reason()).isEqualTo("NotCutOver");
        assertThat(refusal.message()).contains("ended Aborted", "old definition");
    }

    @Test
    void aClosedWindowGivesTheReasonItClosed() {
        RevertStatus closed = new RevertStatus("2026-12-06T10:10:00Z", null, false, "the window ended at 2026-12-06T10:10:00Z");
        RevertRefusal refusal = RevertRefusal.of(status(MigrationPhase.DONE, closed, plan("Reversible")), TEN_MINUTES)
                .orElseThrow();
        assertThat(refusal.reason()).isEqualTo("RevertWindowClosed");
        assertThat(refusal.message()).isEqualTo("Nothing was reverted: the revert window is closed: the window ended at"
                + " 2026-12-06T10:10:00Z. The table keeps its new definition; undo the change with a new SchemaMigration.");
    }

    @Test
    void aVerdictThatRulesTheWindowOutIsGivenWithItsFindings() {
        RevertStatus none = new RevertStatus("2026-12-06T10:10:00Z", null, false, "no revert window: ...");
        RevertRefusal notReversible = RevertRefusal.of(status(MigrationPhase.DONE, none, plan("NotReversible",
                "the unique key `by_code` is dropped: rows written since could collide in it")), TEN_MINUTES).orElseThrow();
        assertThat(notReversible.reason()).isEqualTo("NoRevertWindow");
        assertThat(notReversible.message()).isEqualTo("Nothing was reverted: no revert window was opened, as the plan's"
                + " verdict is NotReversible: the unique key `by_code` is dropped: rows written since could collide in it.");

        RevertRefusal lossNotAccepted = RevertRefusal.of(status(MigrationPhase.DONE, none, plan("ReversibleWithLoss",
                "`b` is dropped")), TEN_MINUTES).orElseThrow();
        assertThat(lossNotAccepted.message()).contains("ReversibleWithLoss: `b` is dropped", "spec.revert.acceptLoss");
    }

    @Test
    void anInstantAlterLeftNoWindowAndThePlanSaysWhy() {
        RevertRefusal refusal = RevertRefusal.of(status(MigrationPhase.DONE, null, plan("NotReversible",
                "the server runs this ALTER in place (instant)")), TEN_MINUTES).orElseThrow();
        assertThat(refusal.reason()).isEqualTo("NoRevertWindow");
        assertThat(refusal.message()).contains("instant");
    }

    @Test
    void nothingIsSaidInAnOpenWindowOrOnceReverted() {
        RevertStatus open = new RevertStatus("2026-12-06T10:10:00Z", 40L, true, null);
        assertThat(RevertRefusal.of(status(MigrationPhase.DONE, open, plan("Reversible")), TEN_MINUTES)).isEmpty();
        RevertStatus reverted = new RevertStatus("2026-12-06T10:10:00Z", null, false, "reverted at 2026-12-06T10:05:00Z");
        assertThat(RevertRefusal.of(status(MigrationPhase.REVERTED, reverted, plan("Reversible")), TEN_MINUTES)).isEmpty();
        RevertStatus reverting = new RevertStatus("2026-12-06T10:10:00Z", null, false, "reverting");
        assertThat(RevertRefusal.of(status(MigrationPhase.REVERTING, reverting, plan("Reversible")), TEN_MINUTES))
                .as("not 'has not cut over yet' while the swap back runs").isEmpty();
    }

    @Test
    void aRefusalIsStatedOnceByTheConditionUntilItsReasonChanges() {
        SchemaMigrationStatus status = status(MigrationPhase.COPYING, null, null);
        RevertRefusal early = RevertRefusal.of(status, TEN_MINUTES).orElseThrow();
        assertThat(early.alreadyStated(status)).isFalse();
        Conditions.set(status, Conditions.REVERT_REQUESTED, false, early.reason(), early.message());
        assertThat(early.alreadyStated(status)).isTrue();
        assertThat(new RevertRefusal("RevertWindowClosed", "...").alreadyStated(status)).isFalse();
    }

    private static SchemaMigrationStatus status(MigrationPhase phase, RevertStatus revert, PlanStatus plan) {
        SchemaMigrationStatus status = new SchemaMigrationStatus();
        status.setPhase(phase);
        status.setRevert(revert);
        status.setPlan(plan);
        return status;
    }

    private static PlanStatus plan(String verdict, String... findings) {
        PlanStatus plan = new PlanStatus();
        plan.setRevert(verdict);
        plan.setRevertFindings(List.of(findings));
        return plan;
    }
}
