package dev.umbra.operator.runner;

import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.throttle.Hold;
import dev.umbra.operator.metrics.MigrationMetrics;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.ProgressStatus;
import dev.umbra.operator.status.StatusRecorder;
import dev.umbra.operator.model.SchemaMigrationStatus;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Receives the engine's progress snapshots (from its runner and progress threads) and turns them
 * into status writes (at once on a phase change) and Events (phase changes, throttling). The final
 * phase's Event comes from {@link ActiveMigration}, which knows why the run ended; except Done with
 * a revert window open, which is final while the run goes on, and is written and announced here.
 */
final class ProgressSink implements ProgressListener {

    private final SchemaMigration resource;
    private final StatusRecorder recorder;
    private final Events events;
    private final MigrationMetrics metrics;
    private final ThrottleTransitions throttleTransitions;
    private volatile boolean revertWindowOpened;

    ProgressSink(SchemaMigration resource, StatusRecorder recorder, Events events, MigrationMetrics metrics, Clock clock) {
        this.resource = resource;
        this.recorder = recorder;
        this.events = events;
        this.metrics = metrics;
        this.throttleTransitions = new ThrottleTransitions(clock);
    }

    @Override
    public synchronized void onProgress(Progress progress) {
        metrics.record(resource.getMetadata().getNamespace(), resource.getMetadata().getName(), resource.getSpec().getTable(),
                progress);
        revertWindowOpened |= ProgressStatus.revertWindowOpen(progress);
        MigrationPhase phase = ProgressStatus.phaseOf(progress.phase());
        boolean phaseChanged = recorder.phase() != phase;
        boolean ended = ProgressStatus.runEnded(progress);
        Consumer<SchemaMigrationStatus> change = status -> ProgressStatus.apply(progress, status);
        if (ended) {
            recorder.stage(change); // ActiveMigration writes the end, with the reason it knows
        } else {
            recorder.update(change, phaseChanged);
        }
        if (phaseChanged && !ended) {
            events.normal(resource, phase.displayName(), progress.message());
        }
        // A pause has its own Events (Paused, Resumed); a run that ended is held by nothing.
        Optional<String> throttle = ended ? Optional.empty()
                : progress.throttle().filter(hold -> hold.kind() != Hold.Kind.PAUSED).map(Hold::reason);
        throttleTransitions.observe(throttle)
                .ifPresent(transition -> events.normal(resource, transition.eventReason(), transition.message()));
    }

    /** Whether the revert window was open at some point of this run (its Done Event came from here). */
    boolean revertWindowOpened() {
        return revertWindowOpened;
    }
}
