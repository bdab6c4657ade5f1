package dev.umbra.engine.progress;

/** Receives progress snapshots: every few seconds, and at once on each phase change. */
@FunctionalInterface
public interface ProgressListener {

    void onProgress(Progress progress);

    ProgressListener NONE = progress -> { };
}
