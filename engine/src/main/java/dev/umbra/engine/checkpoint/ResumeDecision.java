package dev.umbra.engine.checkpoint;

/** What inspection decided about an earlier run's checkpoint. */
public sealed interface ResumeDecision {

    /** No checkpoint (or resuming is off): a fresh migration. */
    record Fresh() implements ResumeDecision {
    }

    /** A valid checkpoint: the ghost and changelog tables are kept and the run goes on from it. */
    record Resume(Checkpoint checkpoint) implements ResumeDecision {
    }

    /** A checkpoint that cannot be used, and why; the earlier run's helper tables were dropped. */
    record StartOver(String reason) implements ResumeDecision {
    }

    static ResumeDecision fresh() {
        return new Fresh();
    }
}
