package dev.umbra.engine.plan;

import java.util.Objects;

/**
 * Where the writer (primary) is and how to log in. The host is a DNS name or an IP literal
 * ({@link HostName}), never URL text. The password is never printed: {@link #toString} leaves it out.
 */
public record ConnectionSettings(String host, int port, String user, String password) {

    public ConnectionSettings {
        host = HostName.check(host, "the host");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, not " + port);
        }
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}
