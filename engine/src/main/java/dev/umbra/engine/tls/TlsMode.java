package dev.umbra.engine.tls;

import java.util.Locale;

/**
 * How a session protects itself, with MySQL's own mode names (the {@code mysql} client's
 * {@code --ssl-mode}, Connector/J's {@code sslMode}).
 */
public enum TlsMode {
    /** Plain TCP. The password still never crosses in clear (MySQL 8 asks for the server's RSA key). */
    DISABLED,
    /** TLS when the server offers it, plain otherwise; the server's certificate is not checked. */
    PREFERRED,
    /** TLS or no session; the server's certificate is not checked (encrypted, not authenticated). */
    REQUIRED,
    /** TLS, and the server's certificate must be signed by the given CA (or a system-trusted one). */
    VERIFY_CA,
    /** As VERIFY_CA, and the certificate must name the host Umbra connects to. */
    VERIFY_IDENTITY;

    /**
     * The mode named by {@code text}, in any of the spellings users write: {@code VERIFY_CA},
     * {@code verify-ca}, {@code VerifyCA}.
     */
    public static TlsMode parse(String text) {
        String wanted = normalised(text);
        for (TlsMode mode : values()) {
            if (normalised(mode.name()).equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown TLS mode '" + text
                + "'; use one of Disabled, Preferred, Required, VerifyCA, VerifyIdentity");
    }

    /** The server's certificate is checked against a CA. */
    public boolean verifiesServer() {
        return this == VERIFY_CA || this == VERIFY_IDENTITY;
    }

    /** A session without TLS is refused rather than opened. */
    public boolean requiresTls() {
        return this == REQUIRED || verifiesServer();
    }

    /**
     * The password may be sent encrypted with a key the server hands over unauthenticated (MySQL 8's
     * caching_sha2_password without TLS): only in the modes that accept a session without TLS at all.
     * Where TLS is required, the password travels inside it and the server's key is never asked for.
     */
    public boolean allowsPublicKeyRetrieval() {
        return !requiresTls();
    }

    private static String normalised(String text) {
        return text == null ? "" : text.strip().replace("_", "").replace("-", "").toUpperCase(Locale.ROOT);
    }
}
