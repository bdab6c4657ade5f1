package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The revert window after the cut-over (spec.revert.window), once the migration is Done. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RevertStatus {

    @JsonPropertyDescription("When the window ends (or ended), RFC 3339.")
    private String until;

    @JsonPropertyDescription("How far the old table is behind the table while it is kept in step, in milliseconds: the age of"
            + " the newest heartbeat that came back through the binlog.")
    private Long lagMillis;

    @JsonPropertyDescription("Whether the annotation umbra.dev/revert: \"true\" would swap the tables back now: the window is"
            + " open and the old table is kept in step (the Revertible column).")
    private Boolean reversible;

    @JsonPropertyDescription("Why no revert is possible (the window ended, the migration is not reversible, the old table could"
            + " no longer be kept in step), or the losses a revert accepts.")
    private String reason;

    public RevertStatus() {
    }

    public RevertStatus(String until, Long lagMillis, Boolean reversible, String reason) {
        this.until = until;
        this.lagMillis = lagMillis;
        this.reversible = reversible;
        this.reason = reason;
    }

    public String getUntil() {
        return until;
    }

    public void setUntil(String until) {
        this.until = until;
    }

    public Long getLagMillis() {
        return lagMillis;
    }

    public void setLagMillis(Long lagMillis) {
        this.lagMillis = lagMillis;
    }

    public Boolean getReversible() {
        return reversible;
    }

    public void setReversible(Boolean reversible) {
        this.reversible = reversible;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
