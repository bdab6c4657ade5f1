package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How every session to the database protects itself (MySQL's ssl-mode values). */
public enum TlsModeName {
    /** Plain TCP. */
    @JsonProperty("Disabled")
    DISABLED,
    /** TLS when the server offers it, unverified: the default, as before TLS could be set. */
    @JsonProperty("Preferred")
    PREFERRED,
    /** TLS or no session, unverified: encrypted, but anyone on the path can pose as the server. */
    @JsonProperty("Required")
    REQUIRED,
    /** TLS, and the server's certificate must be signed by the CA given (or a system-trusted one). */
    @JsonProperty("VerifyCA")
    VERIFY_CA,
    /** As VerifyCA, and the certificate must name spec.database.host (and each replica's host). */
    @JsonProperty("VerifyIdentity")
    VERIFY_IDENTITY
}
