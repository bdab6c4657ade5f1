package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** When copy and apply hold back. Checked about once a second while the migration runs. */
public class ThrottleSpec {

    /** The format of a load list: {@code Status_variable=limit}, comma-separated. */
    public static final String LOAD_PATTERN = "^\\s*[A-Za-z_]+\\s*=\\s*[0-9]+\\s*(,\\s*[A-Za-z_]+\\s*=\\s*[0-9]+\\s*)*$";

    /**
     * Hold while any of {@code database.replicas} lags more than this, in milliseconds (measured by
     * the replica's {@code Seconds_Behind_Master}, so in whole seconds), or is not replicating.
     */
    @Min(1)
    @JsonPropertyDescription("Hold while any of database.replicas lags more than this, in milliseconds (measured by the replica's"
            + " Seconds_Behind_Master, so in whole seconds), or is not replicating.")
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
