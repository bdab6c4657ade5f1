package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret in the migration's own namespace. */
public class SecretReference {

    /** The Secret's name; the field that refers to it says which keys it must hold. */
    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("The Secret's name.")
    private String name;

    public SecretReference() {
    }

    public SecretReference(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
