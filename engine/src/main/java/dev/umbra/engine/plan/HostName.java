package dev.umbra.engine.plan;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A database server's address as Umbra accepts it: a DNS name, an IPv4 literal or an IPv6 literal,
 * and nothing else. An address is data that ends up in a JDBC URL; anything that could be URL text
 * (a port, a path, {@code ?} parameters, {@code #}, {@code @}, a comma list of hosts, percent
 * encoding, white space) is refused, so that a spec can never turn on a driver feature.
 */
public final class HostName {

    private static final int MAX_LENGTH = 253;
    private static final int MAX_LABEL = 63;

    private HostName() {
    }

    /**
     * The address, with an IPv6 literal's brackets removed.
     *
     * @param what the field it came from, named in the error ({@code spec.database.host}, {@code --host})
     * @throws IllegalArgumentException naming the field, the value and what is accepted
     */
    public static String check(String host, String what) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(what + " is required.");
        }
        if (host.length() > MAX_LENGTH) {
            throw refused(host, what, "it is longer than " + MAX_LENGTH + " characters");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        long colons = bare.chars().filter(c -> c == ':').count();
        if (colons == 1) {
            throw refused(host, what, "it holds ':', and only an IPv6 address may; a port goes in the port field, and"
                    + " nothing else (no path, parameters or user) belongs in the host");
        }
        if (colons > 1) {
            return ipv6(host, bare, what);
        }
        if (looksNumeric(bare)) {
            return ipv4(host, bare, what);
        }
        return dnsName(host, bare, what);
    }

    /** Whether a value {@link #check} accepted is an IPv4 or IPv6 literal rather than a DNS name. */
    public static boolean isIpLiteral(String checkedHost) {
        return checkedHost.indexOf(':') >= 0 || looksNumeric(checkedHost);
    }

    private static boolean looksNumeric(String host) {
        return host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** How an address is written in a URL's authority: an IPv6 literal in brackets. */
    public static String forUrl(String checkedHost) {
        return checkedHost.indexOf(':') >= 0 ? "[" + checkedHost + "]" : checkedHost;
    }

    private static String ipv6(String host, String bare, String what) {
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            boolean allowed = c == ':' || c == '.' || Character.digit(c, 16) >= 0;
            if (!allowed) {
                throw refused(host, what, "an IPv6 address holds only hexadecimal digits, ':' and '.'"
                        + (c == '%' ? " (no zone id)" : "") + "; a port goes in the port field");
            }
        }
        try {
            // A string with ':' is parsed as an IPv6 literal: no name is looked up.
            InetAddress.getByName("[" + bare + "]");
            return bare;
        } catch (UnknownHostException e) {
            throw refused(host, what, "it is not a valid IPv6 address; a port goes in the port field");
        }
    }

    private static String ipv4(String host, String bare, String what) {
        String[] parts = bare.split("\\.", -1);
        if (parts.length != 4) {
            throw refused(host, what, "an IPv4 address has four numbers separated by dots");
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                throw refused(host, what, "each number of an IPv4 address is between 0 and 255");
            }
        }
        return bare;
    }

    private static String dnsName(String host, String bare, String what) {
        String name = bare.endsWith(".") ? bare.substring(0, bare.length() - 1) : bare;
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                throw refused(host, what, "each dot-separated part of a DNS name has 1 to " + MAX_LABEL + " characters");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw refused(host, what, "a part of a DNS name neither starts nor ends with '-'");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                // Underscores are not in RFC 1123, but resolvers accept them and some service names have them.
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!allowed) {
                    throw refused(host, what, "a DNS name holds only letters, digits, '-', '_' and dots, and "
                            + shown(String.valueOf(c)) + " is none of them; a port goes in the port field, and nothing"
                            + " else (no path, parameters or user) belongs in the host");
                }
            }
        }
        return bare;
    }

    private static IllegalArgumentException refused(String host, String what, String why) {
        return new IllegalArgumentException(what + " " + shown(host) + " is not a DNS name or an IP address: " + why
                + ". Give only the server's name (db1.shop.svc) or address (10.0.0.5, fd00::5).");
    }

    /** The value as a user can read it in one line: quoted, control characters escaped, shortened. */
    static String shown(String value) {
        StringBuilder text = new StringBuilder("\"");
        int limit = Math.min(value.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append(value.length() > limit ? "…\"" : "\"").toString();
    }
}
