package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What to change: one table on one database server, and the ALTER clause list. The spec cannot
 * change after creation (a CEL rule on the CRD); a different migration is a new resource.
 */
@ValidationRule(value = "self == oldSelf",
        message = "spec is immutable: a changed migration is a new SchemaMigration (create one with a new name)")
public class SchemaMigrationSpec {

    /** The database server (the writer) and the schema that holds the table. */
    @Required
    @JsonPropertyDescription("The database server (the writer) and the schema that holds the table.")
    private DatabaseSpec database;

    /** The table to alter, in {@code database.schema}. */
    @Required
    @Size(min = 1, max = 64)
    @JsonPropertyDescription("The table to alter, in database.schema.")
    private String table;

    /**
     * The ALTER clause list, e.g. {@code ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX
     * idx_status (status)}, or a full {@code ALTER TABLE <table> ...} statement for this table. One
     * statement only; RENAME TABLE is refused.
     */
    @Required
    @Size(min = 1)
    @Pattern(".*\\S.*")
    @JsonPropertyDescription("The ALTER clause list, e.g. \"ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX idx_status (status)\","
            + " or a full \"ALTER TABLE <table> ...\" statement for this table. One statement only; RENAME TABLE is refused.")
    private String alter;

    /** How and when the tables are swapped. */
    @JsonPropertyDescription("How and when the tables are swapped.")
    private CutOverSpec cutOver;

    /** Whether the plan must be approved before anything is created. */
    @JsonPropertyDescription("Who approves the plan before anything is created on the server (the cut-over's approval is"
            + " cutOver.approval).")
    private ApprovalSpec approval;

    /** How rows are copied. */
    @JsonPropertyDescription("How rows are copied.")
    private CopySpec copy;

    /** When copy and apply hold back to protect the server and its replicas. */
    @JsonPropertyDescription("When copy and apply hold back to protect the server and its replicas.")
    private ThrottleSpec throttle;

    /** What happens to the old table after the cut-over. */
    @JsonPropertyDescription("What happens to the old table after the cut-over.")
    private CleanupSpec cleanup;

    /** Whether, and for how long, the cut-over can be undone. */
    @JsonPropertyDescription("Whether, and for how long, the cut-over can be undone: the old table is kept in step after it,"
            + " and the annotation umbra.dev/revert: \"true\" swaps the tables back (phase Reverted).")
    private RevertSpec revert;

    /**
     * Compare the original and the new table chunk by chunk (row count and checksum) before the
     * cut-over, copying mismatched chunks again; a mismatch that persists fails the migration.
     */
    @Default("true")
    @JsonPropertyDescription("Compare the original and the new table chunk by chunk (row count and checksum) before the"
            + " cut-over, copying mismatched chunks again; a mismatch that persists fails the migration.")
    private Boolean verify;

    /**
     * First ask the server to do the ALTER with ALGORITHM=INSTANT (metadata only, no rows copied);
     * copy online when it cannot. The status stage says which path ran.
     */
    @Default("true")
    @JsonPropertyDescription("First ask the server to do the ALTER with ALGORITHM=INSTANT, which changes only the table's"
            + " metadata (e.g. adding a column on MySQL 8.0 or MariaDB); when the server cannot, copy online. The instant"
            + " ALTER also waits for the cut-over approval. status.stage ends 'done (instant ALTER)' or 'done (online"
            + " copy)'. false always copies, e.g. to rebuild the table.")
    private Boolean instantDdl;

    /**
     * How long a migration waits for what it needs from outside the resource before it fails: the
     * Secret (and TLS Secret or ConfigMap), and a database that can be reached and accepts the login.
     */
    @Min(0)
    @Max(86400)
    @Default("1800")
    @JsonPropertyDescription("How long, in seconds, the migration waits for what it needs from outside the resource"
            + " before it fails: its Secret (and the TLS Secret or ConfigMap) to exist and hold the keys, and the database"
            + " to be reachable and accept the login. Meanwhile it stays Pending (Ready reason SecretNotFound, CannotConnect,"
            + " ...) and is tried again at growing intervals up to a minute; the Secret is read again at every try. 0 fails"
            + " at the first problem.")
    private Integer setupTimeoutSeconds;

    /** spec.approval.plan with its default: Automatic. */
    public Approval planApproval() {
        return approval == null || approval.getPlan() == null ? Approval.AUTOMATIC : approval.getPlan();
    }

    public ApprovalSpec getApproval() {
        return approval;
    }

    public void setApproval(ApprovalSpec approval) {
        this.approval = approval;
    }

    public Integer getSetupTimeoutSeconds() {
        return setupTimeoutSeconds;
    }

    public void setSetupTimeoutSeconds(Integer setupTimeoutSeconds) {
        this.setupTimeoutSeconds = setupTimeoutSeconds;
    }

    public Boolean getInstantDdl() {
        return instantDdl;
    }

    public void setInstantDdl(Boolean instantDdl) {
        this.instantDdl = instantDdl;
    }

    public DatabaseSpec getDatabase() {
        return database;
    }

    public void setDatabase(DatabaseSpec database) {
        this.database = database;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public String getAlter() {
        return alter;
    }

    public void setAlter(String alter) {
        this.alter = alter;
    }

    public CutOverSpec getCutOver() {
        return cutOver;
    }

    public void setCutOver(CutOverSpec cutOver) {
        this.cutOver = cutOver;
    }

    public CopySpec getCopy() {
        return copy;
    }

    public void setCopy(CopySpec copy) {
        this.copy = copy;
    }

    public ThrottleSpec getThrottle() {
        return throttle;
    }

    public void setThrottle(ThrottleSpec throttle) {
        this.throttle = throttle;
    }

    public Boolean getVerify() {
        return verify;
    }

    public void setVerify(Boolean verify) {
        this.verify = verify;
    }

    public CleanupSpec getCleanup() {
        return cleanup;
    }

    public void setCleanup(CleanupSpec cleanup) {
        this.cleanup = cleanup;
    }

    public RevertSpec getRevert() {
        return revert;
    }

    public void setRevert(RevertSpec revert) {
        this.revert = revert;
    }
}
