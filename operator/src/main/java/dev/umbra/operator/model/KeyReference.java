package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One key of a Secret or ConfigMap in the migration's own namespace. */
public class KeyReference {

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("The Secret's or ConfigMap's name.")
    private String name;

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("The key that holds the PEM text, e.g. ca.crt.")
    private String key;

    public KeyReference() {
    }

    public KeyReference(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
