package dev.umbra.engine.run;

import dev.umbra.engine.failure.MigrationAbortedException;

/**
 * The control calls another thread (the CLI, the operator) makes on a running migration.
 * All are idempotent and may come at any time.
 */
public final class MigrationControl {

    private volatile boolean planApproved;
    private volatile boolean cutOverApproved;
    private volatile boolean paused;
    private volatile boolean abortRequested;
    private volatile boolean handOverRequested;
    private volatile boolean revertRequested;
    private volatile String abortReason = "aborted by user";

    /** Lets a run that waits in AwaitingPlanApproval go on to create its helper tables and copy. */
    public void approvePlan() {
        planApproved = true;
    }

    public boolean isPlanApproved() {
        return planApproved;
    }

    public void approveCutOver() {
        cutOverApproved = true;
    }

    /** Holds copy and apply; the binlog keeps being read into a bounded buffer. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    public void abort() {
        abort("aborted by user");
    }

    public void abort(String reason) {
        abortReason = reason;
        abortRequested = true;
    }

    /**
     * Stops the run as {@link #abort(String)} does, but leaves its helper tables (ghost, changelog)
     * where they are, so that a later run of the same migration (another operator replica that took
     * over) can resume from them. The original table is untouched either way.
     */
    public void handOver(String reason) {
        handOverRequested = true;
        abort(reason);
    }

    public boolean isHandOverRequested() {
        return handOverRequested;
    }

    /**
     * The same as {@link #handOver(String)}: once the copy has begun, the run also saves a last
     * checkpoint, and the next run of the same migration resumes from it.
     */
    public void stopForResume(String reason) {
        handOver(reason);
    }

    /**
     * Within the revert window after the cut-over (see {@code RevertOptions}): swaps the tables
     * back, so that the table has its old definition again with every row written since. Outside
     * the window, or where the migration is not reversible, the run says why and does nothing.
     */
    public void requestRevert() {
        revertRequested = true;
    }

    public boolean isRevertRequested() {
        return revertRequested;
    }

    public boolean isCutOverApproved() {
        return cutOverApproved;
    }

    public boolean isPaused() {
        return paused;
    }

    public boolean isAbortRequested() {
        return abortRequested;
    }

    String abortReason() {
        return abortReason;
    }

    /** Throws if an abort was requested; called between units of work. */
    void checkNotAborted() throws MigrationAbortedException {
        if (abortRequested) {
            throw new MigrationAbortedException(abortReason);
        }
    }
}
