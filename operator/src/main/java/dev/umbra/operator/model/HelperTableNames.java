package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The helper tables of a migration, next to the original in the same schema. */
public class HelperTableNames {

    /** The ghost table: the new definition, filled by the copy and the binlog applier. */
    @JsonPropertyDescription("The ghost table: the new definition, filled by the copy and the binlog applier.")
    private String ghost;

    /** The changelog table: Umbra's marker rows and heartbeat. */
    @JsonPropertyDescription("The changelog table: Umbra's marker rows and heartbeat.")
    private String changelog;

    /** The name the old table gets at the cut-over (kept unless spec.cleanup.dropOldTable). */
    @JsonPropertyDescription("The name the old table gets at the cut-over (kept unless spec.cleanup.dropOldTable).")
    private String old;

    /** The checkpoint table: where an interrupted run resumes from. */
    @JsonPropertyDescription("The checkpoint table: where an interrupted run resumes from.")
    private String checkpoint;

    public HelperTableNames() {
    }

    public HelperTableNames(String ghost, String changelog, String old, String checkpoint) {
        this.ghost = ghost;
        this.changelog = changelog;
        this.old = old;
        this.checkpoint = checkpoint;
    }

    public String getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(String checkpoint) {
        this.checkpoint = checkpoint;
    }

    public String getGhost() {
        return ghost;
    }

    public void setGhost(String ghost) {
        this.ghost = ghost;
    }

    public String getChangelog() {
        return changelog;
    }

    public void setChangelog(String changelog) {
        this.changelog = changelog;
    }

    public String getOld() {
        return old;
    }

    public void setOld(String old) {
        this.old = old;
    }
}
