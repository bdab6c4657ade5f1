package dev.umbra.engine.plan;

import java.util.ArrayList;
import java.util.List;

/** A replica whose lag throttles the migration; Umbra logs in to it with the writer's credentials. */
public record ReplicaAddress(String host, int port) {

    public ReplicaAddress {
        host = HostName.check(host == null ? null : host.strip(), "the replica host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port of replica " + host + " must be between 1 and 65535, not " + port);
        }
    }

    /** {@code host:port,host:port} (the port defaults to 3306), as {@code --throttle-control-replicas} takes it. */
    public static List<ReplicaAddress> parseList(String text) {
        List<ReplicaAddress> replicas = new ArrayList<>();
        for (String part : text.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            // An IPv6 literal is written in brackets, so that its colons are not taken for the port's.
            int colon = entry.startsWith("[") ? entry.indexOf(':', Math.max(0, entry.indexOf(']'))) : entry.lastIndexOf(':');
            if (colon < 0) {
                replicas.add(new ReplicaAddress(entry, 3306));
                continue;
            }
            String port = entry.substring(colon + 1).trim();
            try {
                replicas.add(new ReplicaAddress(entry.substring(0, colon), Integer.parseInt(port)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + entry + "\" is not host:port (the port \"" + port + "\" is not a number;"
                        + " write an IPv6 address as [fd00::5]:3306)");
            }
        }
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("no replica given: use host:port,host:port");
        }
        return List.copyOf(replicas);
    }

    @Override
    public String toString() {
        return HostName.forUrl(host) + ":" + port;
    }
}
