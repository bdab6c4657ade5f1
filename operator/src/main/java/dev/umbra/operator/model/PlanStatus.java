package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the migration will do, as inspection found it before anything was created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanStatus {

    @JsonPropertyDescription("Instant (ALGORITHM=INSTANT on the table itself, metadata only; the online copy if the server"
            + " refuses then) or OnlineCopy (ghost table, chunked copy, binlog replay, swap).")
    private String method;

    @JsonPropertyDescription("The unique key the copy walks and binlog changes are matched by, e.g. \"PRIMARY KEY (id)\".")
    private String key;

    @JsonPropertyDescription("The table's rows by the server's statistics.")
    private Long estimatedRows;

    @JsonPropertyDescription("The table's data and indexes on disk, in bytes, by the server's statistics.")
    private Long estimatedBytes;

    @JsonPropertyDescription("The same for humans, e.g. \"3.4 GiB\".")
    private String estimatedSize;

    @JsonPropertyDescription("A rough copy time in seconds from the server's statistics (absent for an instant ALTER); the"
            + " ETA measured while copying replaces it.")
    private Long estimatedCopySeconds;

    @JsonPropertyDescription("The same for humans, e.g. \"3m05s\".")
    private String estimatedCopy;

    @JsonPropertyDescription("The helper tables the run will create, and the old table's name after the cut-over.")
    private HelperTableNames helperTables;

    @JsonPropertyDescription("What a careful reader should know: time zone conversions, triggers and foreign keys moved at"
            + " the cut-over, a checkpoint resumed, the instant path.")
    private List<String> warnings = new ArrayList<>();

    @JsonPropertyDescription("Whether the cut-over could be undone within a revert window (spec.revert.window): Reversible,"
            + " ReversibleWithLoss (only with spec.revert.acceptLoss) or NotReversible.")
    private String revert;

    @JsonPropertyDescription("What decides that verdict, one sentence each: why it is not reversible, each value a revert would"
            + " lose, or what a person should still know (an added column's values are gone after a revert).")
    private List<String> revertFindings = new ArrayList<>();

    public String getMethod() {
        return method;
    }

    public void setMethod(String method) {
        this.method = method;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public Long getEstimatedRows() {
        return estimatedRows;
    }

    public void setEstimatedRows(Long estimatedRows) {
        this.estimatedRows = estimatedRows;
    }

    public Long getEstimatedBytes() {
        return estimatedBytes;
    }

    public void setEstimatedBytes(Long estimatedBytes) {
        this.estimatedBytes = estimatedBytes;
    }

    public String getEstimatedSize() {
        return estimatedSize;
    }

    public void setEstimatedSize(String estimatedSize) {
        this.estimatedSize = estimatedSize;
    }

    public Long getEstimatedCopySeconds() {
        return estimatedCopySeconds;
    }

    public void setEstimatedCopySeconds(Long estimatedCopySeconds) {
        this.estimatedCopySeconds = estimatedCopySeconds;
    }

    public String getEstimatedCopy() {
        return estimatedCopy;
    }

    public void setEstimatedCopy(String estimatedCopy) {
        this.estimatedCopy = estimatedCopy;
    }

    public HelperTableNames getHelperTables() {
        return helperTables;
    }

    public void setHelperTables(HelperTableNames helperTables) {
        this.helperTables = helperTables;
    }

    public List<String> getWarnings() {
        return warnings;
    }

    public void setWarnings(List<String> warnings) {
        this.warnings = warnings;
    }

    public String getRevert() {
        return revert;
    }

    public void setRevert(String revert) {
        this.revert = revert;
    }

    public List<String> getRevertFindings() {
        return revertFindings;
    }

    public void setRevertFindings(List<String> revertFindings) {
        this.revertFindings = revertFindings;
    }
}
