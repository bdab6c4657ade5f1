package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * TLS for every session to the writer and the replicas, the binlog stream included. VerifyIdentity
 * is the recommended mode; Preferred (the default) only keeps what resources written before TLS
 * could be set did.
 */
public class DatabaseTlsSpec {

    @Default("Preferred")
    @JsonPropertyDescription("Disabled, Preferred (TLS if offered, unverified; the default), Required (TLS, unverified),"
            + " VerifyCA (the server's certificate must be signed by the CA), VerifyIdentity (and must name the host;"
            + " recommended).")
    private TlsModeName mode;

    @JsonPropertyDescription("The CA that signs the server's certificate; only it is trusted. Without it, VerifyCA and"
            + " VerifyIdentity trust the CAs of the operator's image. Only with VerifyCA or VerifyIdentity.")
    private CaSource ca;

    @JsonPropertyDescription("A Secret of type kubernetes.io/tls (keys tls.crt and tls.key, the key unencrypted) with a"
            + " client certificate, for accounts created REQUIRE X509 or REQUIRE SUBJECT.")
    private SecretReference clientCertificateSecretRef;

    public TlsModeName getMode() {
        return mode;
    }

    public void setMode(TlsModeName mode) {
        this.mode = mode;
    }

    public CaSource getCa() {
        return ca;
    }

    public void setCa(CaSource ca) {
        this.ca = ca;
    }

    public SecretReference getClientCertificateSecretRef() {
        return clientCertificateSecretRef;
    }

    public void setClientCertificateSecretRef(SecretReference clientCertificateSecretRef) {
        this.clientCertificateSecretRef = clientCertificateSecretRef;
    }
}
