package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the CA certificate (PEM) is: one of a Secret's keys or a ConfigMap's keys. */
public class CaSource {

    @JsonPropertyDescription("A key of a Secret that holds the CA certificate (PEM), e.g. cert-manager's ca.crt.")
    private KeyReference secretKeyRef;

    @JsonPropertyDescription("A key of a ConfigMap that holds the CA certificate (PEM), e.g. a trust-manager bundle.")
    private KeyReference configMapKeyRef;

    public KeyReference getSecretKeyRef() {
        return secretKeyRef;
    }

    public void setSecretKeyRef(KeyReference secretKeyRef) {
        this.secretKeyRef = secretKeyRef;
    }

    public KeyReference getConfigMapKeyRef() {
        return configMapKeyRef;
    }

    public void setConfigMapKeyRef(KeyReference configMapKeyRef) {
        this.configMapKeyRef = configMapKeyRef;
    }
}
