package dev.umbra.operator.reconcile;

import dev.umbra.engine.tls.TlsSettings;

/**
 * A login from the credentials Secret, and the TLS its sessions use. {@link #toString} leaves the
 * password and the TLS keys out.
 */
public record DatabaseCredentials(String username, String password, TlsSettings tls) {

    public DatabaseCredentials(String username, String password) {
        this(username, password, TlsSettings.preferred());
    }

    @Override
    public String toString() {
        return "DatabaseCredentials[username=" + username + ", " + tls + "]";
    }
}
