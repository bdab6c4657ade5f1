package dev.umbra.engine.plan;

import dev.umbra.engine.tls.TlsSettings;
import java.util.Objects;

/**
 * Where the writer (primary) is, how to log in and how to protect the sessions. The host is a DNS
 * name or an IP literal ({@link HostName}), never URL text. The password is never printed:
 * {@link #toString} leaves it out, and the TLS settings' own toString leaves out their keys.
 */
public record ConnectionSettings(String host, int port, String user, String password, TlsSettings tls) {

    public ConnectionSettings {
        host = HostName.check(host, "the host");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        tls = tls == null ? TlsSettings.preferred() : tls;
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, not " + port);
        }
    }

    /** With TLS when the server offers it, unverified ({@link TlsSettings#preferred()}). */
    public ConnectionSettings(String host, int port, String user, String password) {
        this(host, port, user, password, TlsSettings.preferred());
    }

    /** The same login and TLS for another server, such as a replica whose lag is measured. */
    public ConnectionSettings at(String otherHost, int otherPort) {
        return new ConnectionSettings(otherHost, otherPort, user, password, tls);
    }

    public ConnectionSettings withTls(TlsSettings newTls) {
        return new ConnectionSettings(host, port, user, password, newTls);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}
