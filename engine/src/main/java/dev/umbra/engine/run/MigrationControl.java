package dev.umbra.engine.run;

/**
 * The control calls another thread (the CLI, the operator) makes on a running migration.
 * All are idempotent and may come at any time.
 */
public final class MigrationControl {

    private volatile boolean cutOverApproved;
    private volatile boolean paused;
    private volatile boolean abortRequested;
    private volatile String abortReason = "aborted by user";
    private volatile boolean keepForResume;

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
     * Stops the run as {@link #abort(String)} does, but once the copy has begun the helper tables are
     * kept and a last checkpoint is saved, so that the next run of the same migration resumes from
     * it (an operator shutting down, a pod being moved). Before the copy begins it is an abort.
     */
    public void stopForResume(String reason) {
        keepForResume = true;
        abort(reason);
    }

    public boolean isStoppingForResume() {
        return keepForResume;
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
