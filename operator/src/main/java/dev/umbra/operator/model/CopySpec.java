package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.umbra.engine.plan.OptionsForm;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How rows are copied into the ghost table. */
public class CopySpec {

    /**
     * Rows in the first copy chunk; later chunks adapt to {@link #chunkTimeMillis}, or all have this
     * size when that is 0.
     */
    @Min(1)
    @Max(OptionsForm.MAX_CHUNK_SIZE)
    @Default("1000")
    @JsonPropertyDescription("Rows in the first copy chunk (each chunk is one INSERT ... SELECT with a locking read); later"
            + " chunks are sized to take chunkTimeMillis, or all have this size when chunkTimeMillis is 0.")
    private Integer chunkSize;

    /** The time one chunk should take; 0 keeps every chunk at {@link #chunkSize} rows. */
    @Min(0)
    @Max(OptionsForm.MAX_CHUNK_TIME_MILLIS)
    @Default("500")
    @JsonPropertyDescription("The time one copy chunk should take: each chunk is sized from the rate of the previous ones"
            + " (at most four times larger per chunk, between 100 and 50,000 rows). Shorter chunks hold their row locks"
            + " more briefly and react to pause and throttling sooner. 0 keeps every chunk at chunkSize rows.")
    private Integer chunkTimeMillis;

    /**
     * Sessions copying chunks at the same time, over disjoint key ranges; more copy faster on a
     * server with cores to spare, and load it more.
     */
    @Min(1)
    @Max(OptionsForm.MAX_COPY_WORKERS)
    @JsonPropertyDescription("Sessions copying chunks at the same time, over disjoint key ranges; more copy faster on a server"
            + " with cores to spare, and load it more. Unset: chosen for the server, 2 where copy chunks can run side by"
            + " side (innodb_autoinc_lock_mode=2, MySQL 8.0's default, or a table without AUTO_INCREMENT), else 1.")
    private Integer workers;

    /** Sessions that write one batch of binlog changes at once; see the engine's ApplySessions. */
    @Min(1)
    @Max(OptionsForm.MAX_APPLY_SESSIONS)
    @Default("4")
    @JsonPropertyDescription("Sessions applying one batch of binlog changes to the ghost table at once, each a disjoint run"
            + " of the batch's keys; the next batch starts when all have committed. More keep up with heavier writers;"
            + " 1 applies every batch in one transaction.")
    private Integer applySessions;

    public Integer getApplySessions() {
        return applySessions;
    }

    public void setApplySessions(Integer applySessions) {
        this.applySessions = applySessions;
    }

    public Integer getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(Integer chunkSize) {
        this.chunkSize = chunkSize;
    }

    public Integer getChunkTimeMillis() {
        return chunkTimeMillis;
    }

    public void setChunkTimeMillis(Integer chunkTimeMillis) {
        this.chunkTimeMillis = chunkTimeMillis;
    }

    public Integer getWorkers() {
        return workers;
    }

    public void setWorkers(Integer workers) {
        this.workers = workers;
    }
}
