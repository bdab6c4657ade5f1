package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator reports about a migration. Written only by the operator (through one status
 * recorder, at most every few seconds and at once on a phase change); never carries credentials.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchemaMigrationStatus {

    /** The phase: Pending, Inspecting, Copying, AwaitingCutOver, CutOver, Done, Reverted, Failed or Aborted. */
    @JsonPropertyDescription("The phase: Pending, Inspecting, AwaitingPlanApproval, Copying, AwaitingCutOver, CutOver, Done,"
            + " Reverted, Failed or Aborted.")
    private MigrationPhase phase;

    /** A finer step inside the phase, e.g. "copying rows" or "waiting for approval". */
    @JsonPropertyDescription("A finer step inside the phase, e.g. \"copying rows\" or \"waiting for approval\".")
    private String stage;

    /** What is happening or what went wrong, for humans. */
    @JsonPropertyDescription("What is happening or what went wrong, for humans.")
    private String message;

    /** Rows copied into the ghost table so far. */
    @JsonPropertyDescription("Rows copied into the ghost table so far.")
    private Long rowsCopied;

    /** The server's estimate of the table's rows when the copy began. */
    @JsonPropertyDescription("The server's estimate of the table's rows when the copy began.")
    private Long rowsEstimated;

    /** Copy progress in percent, 0-100 (an estimate: the row count is the server's guess). */
    @JsonPropertyDescription("Copy progress in percent, 0-100 (an estimate: the row count is the server's guess).")
    private Double percent;

    /** Copy progress for humans, e.g. "42.0%" (the Progress column). */
    @JsonPropertyDescription("Copy progress for humans, e.g. \"42.0%\" (the Progress column).")
    private String progress;

    /** Estimated seconds until the copy is done, when it can be estimated. */
    @JsonPropertyDescription("Estimated seconds until the copy is done, when it can be estimated.")
    private Long etaSeconds;

    /** The same for humans, e.g. "1m12s" (the ETA column). */
    @JsonPropertyDescription("The same for humans, e.g. \"1m12s\" (the ETA column).")
    private String eta;

    /** Binlog row changes applied to the ghost table. */
    @JsonPropertyDescription("Binlog row changes applied to the ghost table.")
    private Long eventsApplied;

    /** Row changes received from the binlog but not applied yet. */
    @JsonPropertyDescription("Row changes received from the binlog but not applied yet.")
    private Long applyBacklog;

    /** How far the ghost table is behind the original, in milliseconds: the age of the newest heartbeat that came back through the binlog. */
    @JsonPropertyDescription("How far the ghost table is behind the original, in milliseconds: the age of the newest heartbeat that came back through the binlog.")
    private Long applyLagMillis;

    /** The same for humans, e.g. "0.4s" (the Lag column). */
    @JsonPropertyDescription("The same for humans, e.g. \"0.4s\" (the Lag column).")
    private String lag;

    /** The largest lag of database.replicas at the last check, in milliseconds (only with replicas). */
    @JsonPropertyDescription("The largest lag of database.replicas at the last check, in milliseconds (only with replicas).")
    private Long replicaLagMillis;

    /** Why copy and apply hold back right now, if they do (e.g. "paused by user", "Threads_running=31 > 25"). */
    @JsonPropertyDescription("Why copy and apply hold back right now, if they do (e.g. \"paused by user\", \"Threads_running=31 > 25\").")
    private String throttleReason;

    /** Since when they hold back. */
    @JsonPropertyDescription("Since when they hold back.")
    private String throttledSince;

    /** Cut-over attempts made. */
    @JsonPropertyDescription("Cut-over attempts made.")
    private Integer cutOverAttempts;

    /** How long the last cut-over attempt blocked writers, in milliseconds. */
    @JsonPropertyDescription("How long the last cut-over attempt blocked writers, in milliseconds.")
    private Long lastLockMillis;

    /** How long the checksum before cut-over took after the copy, in milliseconds, once it is done. */
    @JsonPropertyDescription("How long the checksum before cut-over took after the copy (ranges it compared beside the"
            + " copy not counted), in milliseconds, once it is done.")
    private Long verifyMillis;

    /** Chunks the checksum before cut-over found different and copied again. */
    @JsonPropertyDescription("Chunks the checksum before cut-over found different and copied again.")
    private Integer verifyRepairedChunks;

    /** The revert window after the cut-over, once the migration is Done with one asked for (and in Reverted). */
    @JsonPropertyDescription("The revert window after the cut-over (spec.revert.window), once the migration is Done with one"
            + " asked for: until when, whether a revert is possible now and why not, and how far the old table is behind.")
    private RevertStatus revert;

    /** What the migration will do, as inspection found it before anything was created. */
    @JsonPropertyDescription("What the migration will do, as inspection found it before anything was created: method, key,"
            + " estimates, helper tables, warnings. With spec.approval.plan Manual it waits in AwaitingPlanApproval for"
            + " this to be approved.")
    private PlanStatus plan;

    /** When each phase began. */
    @JsonPropertyDescription("When each phase began.")
    private PhaseStartTimes phaseStartTimes;

    /** The helper tables' names. */
    @JsonPropertyDescription("The helper tables' names.")
    private HelperTableNames helperTables;

    /** The last checkpoint saved: where a run interrupted now (an operator restart) resumes. */
    @JsonPropertyDescription("The last checkpoint saved: where a run interrupted now (an operator restart) resumes.")
    private CheckpointStatus checkpoint;

    /** While Pending: the SchemaMigration (namespace/name) ahead of this one on the same table. */
    @JsonPropertyDescription("While Pending: the SchemaMigration (namespace/name) ahead of this one on the same table.")
    private String waitingFor;

    /** The metadata.generation this status describes. */
    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    /** Ready (True when Done), CutOverApproved, Paused, Throttled, RevertRequested: each with its reason and last transition time. */
    @JsonPropertyDescription("Ready (True when Done), Reconciling, Stalled, PlanApproved, CutOverApproved, Paused, Throttled,"
            + " AbortRequested, RevertRequested: each with its reason and last transition time.")
    private List<Condition> conditions = new ArrayList<>();

    public RevertStatus getRevert() {
        return revert;
    }

    public void setRevert(RevertStatus revert) {
        this.revert = revert;
    }

    public PlanStatus getPlan() {
        return plan;
    }

    public void setPlan(PlanStatus plan) {
        this.plan = plan;
    }

    public MigrationPhase getPhase() {
        return phase;
    }

    public void setPhase(MigrationPhase phase) {
        this.phase = phase;
    }

    public String getStage() {
        return stage;
    }

    public void setStage(String stage) {
        this.stage = stage;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Long getRowsCopied() {
        return rowsCopied;
    }

    public void setRowsCopied(Long rowsCopied) {
        this.rowsCopied = rowsCopied;
    }

    public Long getRowsEstimated() {
        return rowsEstimated;
    }

    public void setRowsEstimated(Long rowsEstimated) {
        this.rowsEstimated = rowsEstimated;
    }

    public Double getPercent() {
        return percent;
    }

    public void setPercent(Double percent) {
        this.percent = percent;
    }

    public String getProgress() {
        return progress;
    }

    public void setProgress(String progress) {
        this.progress = progress;
    }

    public Long getEtaSeconds() {
        return etaSeconds;
    }

    public void setEtaSeconds(Long etaSeconds) {
        this.etaSeconds = etaSeconds;
    }

    public String getEta() {
        return eta;
    }

    public void setEta(String eta) {
        this.eta = eta;
    }

    public Long getEventsApplied() {
        return eventsApplied;
    }

    public void setEventsApplied(Long eventsApplied) {
        this.eventsApplied = eventsApplied;
    }

    public Long getApplyBacklog() {
        return applyBacklog;
    }

    public void setApplyBacklog(Long applyBacklog) {
        this.applyBacklog = applyBacklog;
    }

    public Long getApplyLagMillis() {
        return applyLagMillis;
    }

    public void setApplyLagMillis(Long applyLagMillis) {
        this.applyLagMillis = applyLagMillis;
    }

    public String getLag() {
        return lag;
    }

    public void setLag(String lag) {
        this.lag = lag;
    }

    public Long getReplicaLagMillis() {
        return replicaLagMillis;
    }

    public void setReplicaLagMillis(Long replicaLagMillis) {
        this.replicaLagMillis = replicaLagMillis;
    }

    public String getThrottleReason() {
        return throttleReason;
    }

    public void setThrottleReason(String throttleReason) {
        this.throttleReason = throttleReason;
    }

    public String getThrottledSince() {
        return throttledSince;
    }

    public void setThrottledSince(String throttledSince) {
        this.throttledSince = throttledSince;
    }

    public Integer getCutOverAttempts() {
        return cutOverAttempts;
    }

    public void setCutOverAttempts(Integer cutOverAttempts) {
        this.cutOverAttempts = cutOverAttempts;
    }

    public Long getVerifyMillis() {
        return verifyMillis;
    }

    public void setVerifyMillis(Long verifyMillis) {
        this.verifyMillis = verifyMillis;
    }

    public Integer getVerifyRepairedChunks() {
        return verifyRepairedChunks;
    }

    public void setVerifyRepairedChunks(Integer verifyRepairedChunks) {
        this.verifyRepairedChunks = verifyRepairedChunks;
    }

    public Long getLastLockMillis() {
        return lastLockMillis;
    }

    public void setLastLockMillis(Long lastLockMillis) {
        this.lastLockMillis = lastLockMillis;
    }

    public PhaseStartTimes getPhaseStartTimes() {
        return phaseStartTimes;
    }

    public void setPhaseStartTimes(PhaseStartTimes phaseStartTimes) {
        this.phaseStartTimes = phaseStartTimes;
    }

    public HelperTableNames getHelperTables() {
        return helperTables;
    }

    public void setHelperTables(HelperTableNames helperTables) {
        this.helperTables = helperTables;
    }

    public CheckpointStatus getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(CheckpointStatus checkpoint) {
        this.checkpoint = checkpoint;
    }

    public String getWaitingFor() {
        return waitingFor;
    }

    public void setWaitingFor(String waitingFor) {
        this.waitingFor = waitingFor;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
