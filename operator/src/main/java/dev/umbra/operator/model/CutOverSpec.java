package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.umbra.engine.plan.OptionsForm;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.List;

/** How and when the tables are swapped. */
public class CutOverSpec {

    /**
     * Manual (the default): wait in AwaitingCutOver for the annotation
     * {@code umbra.dev/approve-cut-over: "true"}. Automatic: cut over as soon as the copy has caught up.
     */
    @Default("Manual")
    @JsonPropertyDescription("Manual (the default): wait in AwaitingCutOver for the annotation umbra.dev/approve-cut-over: \"true\"."
            + " Automatic: cut over as soon as the copy has caught up.")
    private Approval approval;

    /** Atomic (the default): one RENAME swaps both tables. TwoStep: two renames, with a moment without the table. */
    @Default("Atomic")
    @JsonPropertyDescription("Atomic (the default): one RENAME swaps both tables. TwoStep: two renames, with a moment without the table.")
    private CutOverMethodName method;

    /** The longest one cut-over attempt may block writers, in seconds. */
    @Min(1)
    @Max(OptionsForm.MAX_LOCK_TIMEOUT_SECONDS)
    @Default("3")
    @JsonPropertyDescription("The longest one cut-over attempt may block writers, in seconds.")
    private Integer lockTimeoutSeconds;

    /** Cut-over attempts (with backoff) before the migration fails; the original keeps serving. */
    @Min(1)
    @Max(OptionsForm.MAX_CUT_OVER_ATTEMPTS)
    @Default("10")
    @JsonPropertyDescription("Cut-over attempts (with backoff) before the migration fails; the original table keeps serving.")
    private Integer maxAttempts;

    /** Weekly windows in which the cut-over may run; any time when there are none. */
    @JsonPropertyDescription("Weekly windows in which the cut-over may run (any time without them). Outside a window an approved"
            + " migration keeps catching up in AwaitingCutOver, status.waitingFor saying when the next opens; an attempt"
            + " never starts so late that its lock (lockTimeoutSeconds) could outlast the window.")
    private List<CutOverWindowSpec> windows;

    /** No cut-over before this time (RFC 3339). */
    @JsonPropertyDescription("No cut-over before this time, RFC 3339 (e.g. 2026-12-24T22:00:00Z); windows still apply after it.")
    private String notBefore;

    public List<CutOverWindowSpec> getWindows() {
        return windows;
    }

    public void setWindows(List<CutOverWindowSpec> windows) {
        this.windows = windows;
    }

    public String getNotBefore() {
        return notBefore;
    }

    public void setNotBefore(String notBefore) {
        this.notBefore = notBefore;
    }

    public Approval getApproval() {
        return approval;
    }

    public void setApproval(Approval approval) {
        this.approval = approval;
    }

    public CutOverMethodName getMethod() {
        return method;
    }

    public void setMethod(CutOverMethodName method) {
        this.method = method;
    }

    public Integer getLockTimeoutSeconds() {
        return lockTimeoutSeconds;
    }

    public void setLockTimeoutSeconds(Integer lockTimeoutSeconds) {
        this.lockTimeoutSeconds = lockTimeoutSeconds;
    }

    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
        this.maxAttempts = maxAttempts;
    }
}
