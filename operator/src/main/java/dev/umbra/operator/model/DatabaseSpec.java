package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Where the table lives and how to log in. */
public class DatabaseSpec {

    /** Host name or address of the writer (primary). Umbra refuses a read-only server. */
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Host name or address of the writer (primary). Umbra refuses a read-only server.")
    private String host;

    /** TCP port of the writer. */
    @Min(1)
    @Max(65535)
    @Default("3306")
    @JsonPropertyDescription("TCP port of the writer.")
    private Integer port;

    /** The schema (database) that holds the table. */
    @Required
    @Size(min = 1, max = 64)
    @JsonPropertyDescription("The schema (database) that holds the table.")
    private String schema;

    /** The Secret, in the migration's namespace, with the keys {@code username} and {@code password}. */
    @Required
    @JsonPropertyDescription("The Secret, in the migration's namespace, with the keys \"username\" and \"password\".")
    private SecretReference credentialsSecretRef;

    /** TLS for every session; see DatabaseTlsSpec. */
    @JsonPropertyDescription("TLS for every session to the writer and the replicas, the binlog stream included."
            + " Without it: Preferred (TLS if offered, unverified). Recommended: mode VerifyIdentity with the CA.")
    private DatabaseTlsSpec tls;

    /**
     * Replicas whose lag throttles the migration ({@code throttle.maxReplicaLagMillis}, 1500 ms by
     * default); reached with the same credentials, which need SELECT on the schema there.
     */
    @JsonPropertyDescription("Replicas whose lag throttles the migration (throttle.maxReplicaLagMillis, 1500 ms by default);"
            + " reached with the same credentials, which need SELECT on the schema there.")
    private List<ReplicaEndpoint> replicas;

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public SecretReference getCredentialsSecretRef() {
        return credentialsSecretRef;
    }

    public void setCredentialsSecretRef(SecretReference credentialsSecretRef) {
        this.credentialsSecretRef = credentialsSecretRef;
    }

    public DatabaseTlsSpec getTls() {
        return tls;
    }

    public void setTls(DatabaseTlsSpec tls) {
        this.tls = tls;
    }

    public List<ReplicaEndpoint> getReplicas() {
        return replicas;
    }

    public void setReplicas(List<ReplicaEndpoint> replicas) {
        this.replicas = replicas;
    }

    /** The port, or 3306 when the API server did not fill the default in. */
    public int portOrDefault() {
        return port == null ? 3306 : port;
    }
}
