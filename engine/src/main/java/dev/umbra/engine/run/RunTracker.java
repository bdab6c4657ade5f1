package dev.umbra.engine.run;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's phase transitions, in one place and one order: the state changes, the log says so,
 * the checkpoint is saved where it can be resumed from, and the listener gets a snapshot.
 */
final class RunTracker {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    private final String schema;
    private final String table;
    private final RunState state;
    private final ProgressListener listener;
    private final Supplier<Progress> snapshot;
    private final Consumer<Phase> onPhase;

    /** @param onPhase called on every phase change, before the listener hears of it (saves the checkpoint) */
    RunTracker(TableName table, RunState state, ProgressListener listener, Supplier<Progress> snapshot,
               Consumer<Phase> onPhase) {
        this.schema = table.schema();
        this.table = table.name();
        this.state = state;
        this.listener = listener;
        this.snapshot = snapshot;
        this.onPhase = onPhase;
    }

    void enter(Phase phase, String stage) {
        String message = phase + ": " + stage
                + (phase == Phase.COPYING && state.resumeNote != null ? " (" + state.resumeNote + ")" : "");
        enter(phase, stage, message);
    }

    /**
     * With the message the phase is to be shown with: set before the phase, so that no snapshot
     * shows the new phase with a placeholder message.
     */
    void enter(Phase phase, String stage, String message) {
        state.message = message;
        state.stage = stage;
        state.phaseStartedAt = Instant.now();
        state.phase = phase;
        log.info("{} `{}`.`{}`: {}", phase, schema, table, message);
        onPhase.accept(phase);
        publish();
    }

    /** Ends the run as Failed, saying why for programs ({@link Progress#failure()}) and for people. */
    void fail(FailureKind kind, String message) {
        state.failure = kind;
        end(Phase.FAILED, message);
    }

    /** Ends the run in {@code phase} (Failed or Aborted) with this message. */
    void end(Phase phase, String message) {
        enter(phase, phase == Phase.ABORTED ? "aborted" : "failed", message);
    }

    /** Sends the listener a snapshot now. */
    void publish() {
        listener.onProgress(snapshot.get());
    }
}
