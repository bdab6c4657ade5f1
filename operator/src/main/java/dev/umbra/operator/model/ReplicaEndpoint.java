package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A replica whose lag Umbra watches. */
public class ReplicaEndpoint {

    /** Host name or address of the replica. */
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Host name or address of the replica.")
    private String host;

    /** TCP port of the replica. */
    @Min(1)
    @Max(65535)
    @Default("3306")
    @JsonPropertyDescription("TCP port of the replica.")
    private Integer port;

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

    public int portOrDefault() {
        return port == null ? 3306 : port;
    }
}
