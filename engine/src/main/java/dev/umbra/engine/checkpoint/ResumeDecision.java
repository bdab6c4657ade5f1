package dev.umbra.engine.checkpoint;

/** What inspection decided about an earlier run's checkpoint. */
public sealed interface ResumeDecision {

    /** No checkpoint (or resuming is off): a fresh migration. */
    record Fresh() implements ResumeDecision {
    }

    /** A valid checkpoint: the ghost and changelog tables are kept and the run goes on from it. */
    record Resume(Checkpoint checkpoint) implements ResumeDecision {
    }

    /**
     * The cut-over was done, and the revert window was open when the earlier run stopped: the old
     * table is kept in step again from the checkpoint, until the window's end.
     */
    record RevertWindow(Checkpoint checkpoint, java.time.Instant until) implements ResumeDecision {
    }

    /** A checkpoint that cannot be used, and why; the earlier run's helper tables were dropped. */
    record StartOver(String reason) implements ResumeDecision {
    }

    static ResumeDecision fresh() {
        return new Fresh();
    }

    /** For the Copying message: that this run resumed and from where, or why it could not; empty when fresh. */
    default java.util.Optional<String> note() {
        if (this instanceof Resume resumed) {
            Checkpoint from = resumed.checkpoint();
            String watermark = from.copyRange().map(range -> range.done() ? "the copy was complete"
                    : range.watermark() == null ? "no chunk was copied yet"
                    : "copying goes on after key " + Checkpoint.displayKey(range.watermark())).orElse("the copy had not begun");
            return java.util.Optional.of("resumed from the checkpoint saved at " + from.savedAt() + ": " + from.rowsCopied()
                    + " rows were copied, " + watermark + ", binlog from " + from.appliedPosition());
        }
        if (this instanceof RevertWindow window) {
            return java.util.Optional.of("the revert window of the done migration resumed from the checkpoint saved at "
                    + window.checkpoint().savedAt() + " (binlog from " + window.checkpoint().appliedPosition() + "), open until "
                    + window.until());
        }
        if (this instanceof StartOver startOver) {
            return java.util.Optional.of("started over: the checkpoint of an interrupted run could not be used, because "
                    + startOver.reason());
        }
        return java.util.Optional.empty();
    }
}
