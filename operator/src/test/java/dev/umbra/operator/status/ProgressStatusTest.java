package dev.umbra.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.throttle.Hold;
import dev.umbra.operator.model.SchemaMigrationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The engine's typed throttle, replica lags and failure kinds, as the status shows them: no text is parsed. */
class ProgressStatusTest {

    private static final Instant SINCE = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aHoldGivesReasonSinceAndWhatHoldsTheRunAsTheConditionsReason() {
        SchemaMigrationStatus status = new SchemaMigrationStatus();
        Hold lag = new Hold(Hold.Kind.REPLICA_LAG, "replica lag db-2:3306 2400 ms > 1500 ms (SQL thread is stopped)", SINCE);

        ProgressStatus.apply(progress(Phase.COPYING, Optional.of(lag), Map.of()), status);

        assertThat(status.getThrottleReason()).isEqualTo(lag.reason());
        assertThat(status.getThrottledSince()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(Conditions.get(status, Conditions.THROTTLED).getStatus()).isEqualTo("True");
        assertThat(Conditions.get(status, Conditions.THROTTLED).getReason()).isEqualTo("ReplicaLag");
        assertThat(Conditions.get(status, Conditions.THROTTLED).getMessage()).isEqualTo(lag.reason());
    }

    @Test
    void everyKindOfHoldHasAConditionReasonOfItsOwn() {
        assertThat(java.util.Arrays.stream(Hold.Kind.values()).map(ProgressStatus::conditionReason).distinct())
                .hasSize(Hold.Kind.values().length)
                .allSatisfy(reason -> assertThat(reason).matches("[A-Z][A-Za-z]+"));
    }

    @Test
    void theStatusShowsTheLargestReplicaLagAndNothingOnceTheRunHasEnded() {
        Map<String, Duration> lags = new LinkedHashMap<>();
        lags.put("db-2:3306", Duration.ofMillis(120));
        lags.put("db-3:3306", Duration.ofMillis(2_400));
        SchemaMigrationStatus status = new SchemaMigrationStatus();

        ProgressStatus.apply(progress(Phase.COPYING, Optional.empty(), lags), status);
        assertThat(status.getReplicaLagMillis()).isEqualTo(2_400L);
        assertThat(Conditions.get(status, Conditions.THROTTLED).getReason()).isEqualTo("NotThrottled");

        Hold paused = new Hold(Hold.Kind.PAUSED, "paused by user", SINCE);
        ProgressStatus.apply(progress(Phase.ABORTED, Optional.of(paused), Map.of()), status);
        assertThat(status.getReplicaLagMillis()).isNull();
        assertThat(status.getThrottleReason()).isNull();
        assertThat(Conditions.get(status, Conditions.THROTTLED).getStatus()).isEqualTo("False");
    }

    @Test
    void everyFailureKindHasAReasonOfItsOwnAndTheEngineOnesMatchTheOperatorsWords() {
        assertThat(java.util.Arrays.stream(FailureKind.values()).map(FailureReasons::of).distinct())
                .hasSize(FailureKind.values().length)
                .allSatisfy(reason -> assertThat(reason).matches("[A-Z][A-Za-z]+"));
        // The operator names these ends itself too (a start it retries, a cut-over it recovers): the same words.
        assertThat(FailureReasons.of(FailureKind.SERVER_UNREACHABLE)).isEqualTo("CannotConnect");
        assertThat(FailureReasons.of(FailureKind.TABLE_IN_USE)).isEqualTo("TableInUse");
        assertThat(FailureReasons.of(FailureKind.ORIGINAL_RENAMED)).isEqualTo("OriginalRenamed");
    }

    private static Progress progress(Phase phase, Optional<Hold> hold, Map<String, Duration> replicaLag) {
        return new Progress(phase, "copying rows", 10, 100, Optional.empty(), 0, 0, Optional.empty(), Optional.empty(),
                hold, 0, Optional.empty(), Optional.empty(), phase + ": copying rows", SINCE.plusSeconds(30),
                Optional.empty(), Optional.empty(), Optional.empty(), replicaLag, Optional.empty(), Optional.empty());
    }
}
