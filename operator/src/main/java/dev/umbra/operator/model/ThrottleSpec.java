package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * When copy and apply hold back (nothing is written to the ghost table; the binlog is still read
 * into a bounded buffer), and when the migration aborts. Checked about once a second.
 */
public class ThrottleSpec {

    /** The format of a load list: {@code Status_variable=limit}, comma-separated. */
    public static final String LOAD_PATTERN = "^\\s*[A-Za-z_]+\\s*=\\s*[0-9]+\\s*(,\\s*[A-Za-z_]+\\s*=\\s*[0-9]+\\s*)*$";

    /**
     * Hold while any of {@code database.replicas} lags more than this, in milliseconds: the age of
     * Umbra's changelog heartbeat as the replica has it. Default 1500 when replicas are listed. A
     * replica that cannot be read, or whose replication stopped, counts as lagging.
     */
    @Min(1)
    @JsonPropertyDescription("Hold while any of database.replicas lags more than this, in milliseconds: the age of Umbra's"
            + " changelog heartbeat as the replica has it. Default 1500 when replicas are listed. A replica that cannot be"
            + " read, or whose replication stopped, counts as lagging.")
    private Long maxReplicaLagMillis;

    /**
     * Hold while a global status variable of the writer exceeds its limit, e.g.
     * {@code Threads_running=25} or {@code Threads_running=25,Threads_connected=500}.
     */
    @Pattern(LOAD_PATTERN)
    @JsonPropertyDescription("Hold while a global status variable of the writer exceeds its limit, e.g. \"Threads_running=25\""
            + " or \"Threads_running=25,Threads_connected=500\".")
    private String maxLoad;

    /**
     * Abort the migration when a global status variable of the writer exceeds its limit (same format
     * as {@code maxLoad}); the original table is untouched.
     */
    @Pattern(LOAD_PATTERN)
    @JsonPropertyDescription("Abort the migration when a global status variable of the writer exceeds its limit (same format as"
            + " maxLoad); the original table is untouched.")
    private String criticalLoad;

    public Long getMaxReplicaLagMillis() {
        return maxReplicaLagMillis;
    }

    public void setMaxReplicaLagMillis(Long maxReplicaLagMillis) {
        this.maxReplicaLagMillis = maxReplicaLagMillis;
    }

    public String getMaxLoad() {
        return maxLoad;
    }

    public void setMaxLoad(String maxLoad) {
        this.maxLoad = maxLoad;
    }

    public String getCriticalLoad() {
        return criticalLoad;
    }

    public void setCriticalLoad(String criticalLoad) {
        this.criticalLoad = criticalLoad;
    }
}
