package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How rows are copied into the ghost table. */
public class CopySpec {

    /** Rows per copy chunk; each chunk is one {@code INSERT ... SELECT} with a locking read. */
    @Min(1)
    @Max(100000)
    @Default("1000")
    @JsonPropertyDescription("Rows per copy chunk; each chunk is one INSERT ... SELECT with a locking read.")
    private Integer chunkSize;

    /**
     * Sessions copying chunks at the same time, over disjoint key ranges; more copy faster on a
     * server with cores to spare, and load it more.
     */
    @Min(1)
    @Max(16)
    @Default("1")
    @JsonPropertyDescription("Sessions copying chunks at the same time, over disjoint key ranges; more copy faster on a server"
            + " with cores to spare, and load it more.")
    private Integer workers;

    public Integer getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(Integer chunkSize) {
        this.chunkSize = chunkSize;
    }

    public Integer getWorkers() {
        return workers;
    }

    public void setWorkers(Integer workers) {
        this.workers = workers;
    }
}
