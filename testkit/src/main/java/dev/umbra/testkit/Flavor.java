package dev.umbra.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A database server the tests can start, named by the id used in {@code -Dumbra.servers}.
 */
public enum Flavor {
    MARIADB_11_4("mariadb11", "MariaDB 11.4.5"),
    MYSQL_8_0("mysql8", "MySQL 8.0.15"),
    MYSQL_5_7("mysql57", "MySQL 5.7.22");

    /** The system property that selects flavors: a comma list of ids, or {@code all}. */
    public static final String SELECTION_PROPERTY = "umbra.servers";

    private final String id;
    private final String displayName;

    Flavor(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public boolean isMariaDb() {
        return this == MARIADB_11_4;
    }

    public static Flavor byId(String id) {
        for (Flavor flavor : values()) {
            if (flavor.id.equalsIgnoreCase(id.trim())) {
                return flavor;
            }
        }
        throw new IllegalArgumentException("Unknown database flavor '" + id + "' in -D" + SELECTION_PROPERTY
                + ". Use a comma list of " + ids() + ", or 'all'.");
    }

    /** The flavors chosen with {@code -Dumbra.servers}; all of them when the property is unset. */
    public static List<Flavor> selected() {
        return parseSelection(System.getProperty(SELECTION_PROPERTY, "all"));
    }

    static List<Flavor> parseSelection(String selection) {
        String trimmed = selection.trim().toLowerCase(Locale.ROOT);
        if (trimmed.isEmpty() || trimmed.equals("all")) {
            return List.of(values());
        }
        List<Flavor> flavors = new ArrayList<>();
        for (String id : trimmed.split(",")) {
            Flavor flavor = byId(id);
            if (!flavors.contains(flavor)) {
                flavors.add(flavor);
            }
        }
        return List.copyOf(flavors);
    }

    private static String ids() {
        return Arrays.stream(values()).map(Flavor::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
