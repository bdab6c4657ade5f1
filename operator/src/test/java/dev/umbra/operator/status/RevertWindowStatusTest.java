package dev.umbra.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.RevertVerdict;
import dev.umbra.engine.progress.RevertWindow;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.throttle.Hold;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The revert window as the status shows it: Done with the window open is final for the phase but
 * not for the run; a closed window says why; Reverted is a phase of its own; the plan carries the
 * verdict before anything runs.
 */
class RevertWindowStatusTest {

    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");
    private static final Instant UNTIL = AT.plus(Duration.ofMinutes(10));

    @Test
    void doneWithTheWindowOpenShowsUntilLagAndReversibleAndTheRunGoesOn() {
        Progress open = progress(Phase.DONE, Optional.of(new RevertWindow(UNTIL, true, Optional.of(Duration.ofMillis(120)),
                "")), Optional.empty());
        SchemaMigrationStatus status = new SchemaMigrationStatus();

        ProgressStatus.apply(open, status);

        assertThat(status.getPhase()).isEqualTo(MigrationPhase.DONE);
        assertThat(status.getRevert().getUntil()).isEqualTo("2026-12-06T10:10:00Z");
        assertThat(status.getRevert().getLagMillis()).isEqualTo(120L);
        assertThat(status.getRevert().getReversible()).isTrue();
        assertThat(status.getRevert().getReason()).as("no loss accepted, nothing to say").isNull();
        assertThat(Conditions.get(status, Conditions.READY).getStatus()).isEqualTo("True");
        assertThat(ProgressStatus.revertWindowOpen(open)).isTrue();
        assertThat(ProgressStatus.runEnded(open)).as("the run keeps the old table in step").isFalse();
        assertThat(status.getPhaseStartTimes().getFinished()).isEqualTo(AT.toString());
    }

    @Test
    void theSyncOfAnOpenWindowIsShownHeldLikeTheCopyButNotOnceTheRunHasEnded() {
        Hold lag = new Hold(Hold.Kind.REPLICA_LAG, "replica lag db-2:3306 2400 ms > 1500 ms", AT);
        SchemaMigrationStatus status = new SchemaMigrationStatus();

        ProgressStatus.apply(progress(Phase.DONE, Optional.of(new RevertWindow(UNTIL, true, Optional.empty(), "")),
                Optional.of(lag)), status);
        assertThat(status.getThrottleReason()).isEqualTo(lag.reason());
        assertThat(Conditions.get(status, Conditions.THROTTLED).getReason()).isEqualTo("ReplicaLag");

        ProgressStatus.apply(progress(Phase.DONE, Optional.of(new RevertWindow(UNTIL, false, Optional.empty(),
                "the window ended at " + UNTIL)), Optional.of(lag)), status);
        assertThat(status.getThrottleReason()).isNull();
        assertThat(Conditions.get(status, Conditions.THROTTLED).getStatus()).isEqualTo("False");
    }

    @Test
    void aClosedWindowSaysWhyAndTheRunHasEnded() {
        Progress closed = progress(Phase.DONE, Optional.of(new RevertWindow(UNTIL, false, Optional.empty(),
                "the window ended at " + UNTIL)), Optional.empty());
        SchemaMigrationStatus status = new SchemaMigrationStatus();

        ProgressStatus.apply(closed, status);

        assertThat(status.getRevert().getReversible()).isFalse();
        assertThat(status.getRevert().getReason()).isEqualTo("the window ended at 2026-12-06T10:10:00Z");
        assertThat(status.getRevert().getLagMillis()).isNull();
        assertThat(ProgressStatus.revertWindowOpen(closed)).isFalse();
        assertThat(ProgressStatus.runEnded(closed)).isTrue();
    }

    @Test
    void withoutAWindowThereIsNoRevertStatus() {
        SchemaMigrationStatus status = new SchemaMigrationStatus();
        ProgressStatus.apply(progress(Phase.DONE, Optional.empty(), Optional.empty()), status);
        assertThat(status.getRevert()).isNull();
        assertThat(ProgressStatus.runEnded(progress(Phase.DONE, Optional.empty(), Optional.empty()))).isTrue();
    }

    @Test
    void revertedIsAFinalPhaseOfItsOwnThatIsNotReadyAndStallsWithItsReason() {
        SchemaMigrationStatus status = new SchemaMigrationStatus();
        status.setObservedGeneration(1L);
        ProgressStatus.apply(progress(Phase.DONE, Optional.of(new RevertWindow(UNTIL, true, Optional.empty(), "")),
                Optional.empty()), status);

        Progress reverted = progress(Phase.REVERTED, Optional.of(new RevertWindow(UNTIL, false, Optional.empty(),
                "reverted at " + AT)), Optional.empty());
        ProgressStatus.apply(reverted, status);
        Lifecycle.derive(status);

        assertThat(ProgressStatus.phaseOf(Phase.REVERTED)).isEqualTo(MigrationPhase.REVERTED);
        assertThat(MigrationPhase.REVERTED.isFinal()).isTrue();
        assertThat(MigrationPhase.REVERTED.isRunning()).isFalse();
        assertThat(status.getPhase()).isEqualTo(MigrationPhase.REVERTED);
        assertThat(status.getPhaseStartTimes().getReverted()).isEqualTo(AT.toString());
        assertThat(status.getPhaseStartTimes().getFinished()).as("when it was Done").isEqualTo(AT.toString());
        assertThat(status.getRevert().getReversible()).isFalse();
        assertThat(Conditions.get(status, Conditions.READY).getStatus()).isEqualTo("False");
        assertThat(Conditions.get(status, Conditions.READY).getReason()).isEqualTo("Reverted");
        assertThat(Conditions.get(status, Conditions.STALLED).getReason()).isEqualTo("Reverted");
        assertThat(KstatusRules.of(1, status)).isEqualTo("Failed");
        assertThat(ProgressStatus.runEnded(reverted)).isTrue();
    }

    @Test
    void everyEnginePhaseHasTheStatusPhaseOfTheSameName() {
        assertThat(Arrays.stream(Phase.values())).allSatisfy(phase ->
                assertThat(ProgressStatus.phaseOf(phase).displayName()).isEqualTo(phase.displayName()));
    }

    @Test
    void thePlanCarriesTheRevertVerdictAndItsFindings() {
        RunPlan plan = new RunPlan(RunPlan.Method.ONLINE_COPY, "PRIMARY KEY (id)", 100, 16_384, Optional.of(Duration.ofSeconds(1)),
                "_items_gho", "_items_ghc", "_items_del", List.of(), new RevertVerdict(RevertVerdict.Kind.REVERSIBLE_WITH_LOSS,
                List.of("`b` is dropped: rows inserted since the cut-over get its default")));

        SchemaMigrationStatus status = new SchemaMigrationStatus();
        ProgressStatus.apply(withPlan(plan), status);

        assertThat(status.getPlan().getRevert()).isEqualTo("ReversibleWithLoss");
        assertThat(status.getPlan().getRevertFindings())
                .containsExactly("`b` is dropped: rows inserted since the cut-over get its default");
    }

    private static Progress progress(Phase phase, Optional<RevertWindow> revert, Optional<Hold> hold) {
        return new Progress(phase, "revert window open", 100, 100, Optional.empty(), 0, 0, Optional.empty(), Optional.empty(),
                hold, 1, Optional.of(Duration.ofMillis(40)), Optional.empty(), phase + ": ...", AT, Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), revert);
    }

    private static Progress withPlan(RunPlan plan) {
        return new Progress(Phase.INSPECTING, "checking", 0, 100, Optional.empty(), 0, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty(), Optional.empty(), "Inspecting", AT, Optional.empty(), Optional.empty(),
                Optional.of(plan), Map.of(), Optional.empty(), Optional.empty());
    }
}
