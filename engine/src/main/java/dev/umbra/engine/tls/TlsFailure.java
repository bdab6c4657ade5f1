package dev.umbra.engine.tls;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Says why a session could not start TLS, in the user's terms (the CA, the name in the certificate,
 * the server's TLS), where the driver says only "Communications link failure" and keeps the reason
 * three causes deep.
 */
public final class TlsFailure {

    private TlsFailure() {
    }

    /** Why {@code failure} happened, if it is a TLS failure; empty for any other failure. */
    public static Optional<String> explain(Throwable failure, TlsSettings settings, String address) {
        String mode = "TLS mode " + settings.mode();
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        // The most specific reason wins, wherever it sits in the chain.
        for (Throwable cause : chain) {
            String message = messageOf(cause);
            if (message.contains("SSL Connection required, but not provided by server")
                    || message.contains("server does not support SSL")) {
                return Optional.of(address + " does not offer TLS, which the " + mode + " requires: turn TLS on at the"
                        + " server (ssl_cert, ssl_key), or use PREFERRED to accept a session without it");
            }
        }
        for (Throwable cause : chain) {
            String message = messageOf(cause);
            if (cause instanceof CertificateException && (message.contains("Subject Alternative Name")
                    || message.contains("No subject alternative") || message.contains("No name matching")
                    || message.contains("identity"))) {
                return Optional.of("the TLS certificate of " + address + " does not name the host Umbra connects to ("
                        + message + "); connect by a name the certificate lists, or use VERIFY_CA to check only its CA ("
                        + mode + ")");
            }
        }
        for (Throwable cause : chain) {
            if (cause instanceof CertPathValidatorException || messageOf(cause).contains("PKIX path")) {
                return Optional.of("the TLS certificate of " + address + " is not signed by "
                        + (settings.caPem() == null ? "a CA this system trusts" : "the given CA")
                        + "; give the CA that signs it (spec.database.tls.ca, --ssl-ca) (" + mode + ": " + messageOf(cause) + ")");
            }
        }
        for (Throwable cause : chain) {
            if (cause instanceof SSLException) {
                String message = messageOf(cause);
                return Optional.of("the TLS handshake with " + address + " failed (" + mode + "): " + message
                        + (message.contains("protocol") || message.contains("terminated the handshake")
                        ? "; the server may speak only TLS 1.0 or 1.1 (as MySQL 5.7 built with yaSSL does), which this"
                        + " client refuses: the server needs TLS 1.2 or later, or use DISABLED" : ""));
            }
        }
        return Optional.empty();
    }

    private static String messageOf(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
