package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The last checkpoint the engine saved (mirrored from the checkpoint table {@code _<table>_ghk}):
 * where a run interrupted now, by an operator restart for example, would resume.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointStatus {

    /** When the checkpoint was saved. */
    @JsonPropertyDescription("When the checkpoint was saved.")
    private String savedAt;

    /** The phase when it was saved. */
    @JsonPropertyDescription("The phase when it was saved.")
    private String phase;

    /** The binary log file of the position up to which every change is applied to the ghost table. */
    @JsonPropertyDescription("The binary log file of the position up to which every change is applied to the ghost table.")
    private String binlogFile;

    /** The offset in that file. */
    @JsonPropertyDescription("The offset in that file.")
    private Long binlogPosition;

    /** The same position as a GTID set, where the server has GTIDs. */
    @JsonPropertyDescription("The same position as a GTID set, where the server has GTIDs.")
    private String gtidSet;

    /** Rows copied when it was saved. */
    @JsonPropertyDescription("Rows copied when it was saved.")
    private Long rowsCopied;

    /** The copy's key ranges and how far each got. */
    @JsonPropertyDescription("The copy's key ranges and how far each got.")
    private List<CopyRangeStatus> copyRanges = new ArrayList<>();

    public String getSavedAt() {
        return savedAt;
    }

    public void setSavedAt(String savedAt) {
        this.savedAt = savedAt;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public String getBinlogFile() {
        return binlogFile;
    }

    public void setBinlogFile(String binlogFile) {
        this.binlogFile = binlogFile;
    }

    public Long getBinlogPosition() {
        return binlogPosition;
    }

    public void setBinlogPosition(Long binlogPosition) {
        this.binlogPosition = binlogPosition;
    }

    public String getGtidSet() {
        return gtidSet;
    }

    public void setGtidSet(String gtidSet) {
        this.gtidSet = gtidSet;
    }

    public Long getRowsCopied() {
        return rowsCopied;
    }

    public void setRowsCopied(Long rowsCopied) {
        this.rowsCopied = rowsCopied;
    }

    public List<CopyRangeStatus> getCopyRanges() {
        return copyRanges;
    }

    public void setCopyRanges(List<CopyRangeStatus> copyRanges) {
        this.copyRanges = copyRanges;
    }

    /** One key range of the copy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CopyRangeStatus {

        /** The range's last key: the highest key when the copy began (rows above it arrive through the binlog). */
        @JsonPropertyDescription("The range's last key: the highest key when the copy began (rows above it arrive through the binlog).")
        private String upperKey;

        /** Every row up to this key is copied; absent before the first chunk. */
        @JsonPropertyDescription("Every row up to this key is copied; absent before the first chunk.")
        private String watermark;

        /** The whole range is copied. */
        @JsonPropertyDescription("The whole range is copied.")
        private Boolean done;

        public String getUpperKey() {
            return upperKey;
        }

        public void setUpperKey(String upperKey) {
            this.upperKey = upperKey;
        }

        public String getWatermark() {
            return watermark;
        }

        public void setWatermark(String watermark) {
            this.watermark = watermark;
        }

        public Boolean getDone() {
            return done;
        }

        public void setDone(Boolean done) {
            this.done = done;
        }
    }
}
