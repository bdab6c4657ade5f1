package dev.umbra.engine.tls;

import java.util.Objects;

/**
 * TLS for every session to one server, the binlog stream included: the mode, the CA that signs the
 * server's certificate, and the client certificate for servers that ask for one (all PEM text, read
 * from files by the CLI and from Secrets or ConfigMaps by the operator). The PEM content is checked
 * here, so a bad CA or key is refused before any connection is tried. {@link #toString} says which
 * parts are set, never their content.
 *
 * @param mode              how sessions protect themselves
 * @param caPem             the CA bundle the server's certificate must chain to, or null to use the
 *                          system's trusted CAs; only with a verifying mode
 * @param clientCertificate the client certificate (PEM, optionally followed by its chain), or null
 * @param clientKey         the client certificate's private key (PEM, unencrypted), or null
 */
public record TlsSettings(TlsMode mode, String caPem, String clientCertificate, String clientKey) {

    public TlsSettings {
        Objects.requireNonNull(mode, "mode");
        caPem = blankToNull(caPem);
        clientCertificate = blankToNull(clientCertificate);
        clientKey = blankToNull(clientKey);
        if (caPem != null && !mode.verifiesServer()) {
            throw new IllegalArgumentException("a CA is given but the TLS mode " + mode + " does not check the server's"
                    + " certificate; use VERIFY_CA or VERIFY_IDENTITY to use it, or leave the CA out");
        }
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new IllegalArgumentException(clientCertificate == null
                    ? "a client key is given without its client certificate; give both or neither"
                    : "a client certificate is given without its key; give both or neither");
        }
        if (clientCertificate != null && mode == TlsMode.DISABLED) {
            throw new IllegalArgumentException("a client certificate is given but the TLS mode is DISABLED;"
                    + " choose a mode that uses TLS, or leave the certificate out");
        }
        if (caPem != null) {
            PemMaterial.certificates(caPem, "the CA certificate");
        }
        if (clientCertificate != null) {
            PemMaterial.certificates(clientCertificate, "the client certificate");
            PemMaterial.privateKey(clientKey, "the client key");
        }
    }

    /** What Umbra did before TLS could be configured: TLS when offered, unverified. */
    public static TlsSettings preferred() {
        return of(TlsMode.PREFERRED);
    }

    /** A mode with no CA of its own and no client certificate. */
    public static TlsSettings of(TlsMode mode) {
        return new TlsSettings(mode, null, null, null);
    }

    public boolean hasClientCertificate() {
        return clientCertificate != null;
    }

    @Override
    public String toString() {
        return "TLS " + mode + (caPem == null ? "" : ", own CA") + (clientCertificate == null ? "" : ", client certificate");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
