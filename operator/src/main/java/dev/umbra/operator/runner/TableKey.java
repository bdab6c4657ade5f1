package dev.umbra.operator.runner;

import dev.umbra.operator.model.SchemaMigrationSpec;
import java.util.Locale;

/**
 * A table on a server, as named in a spec: at most one migration runs per key. Two names for one
 * server (a DNS name and an address) are not recognised as the same table.
 */
public record TableKey(String host, int port, String schema, String table) {

    public static TableKey of(SchemaMigrationSpec spec) {
        return new TableKey(spec.getDatabase().getHost().trim().toLowerCase(Locale.ROOT), spec.getDatabase().portOrDefault(),
                spec.getDatabase().getSchema(), spec.getTable());
    }

    @Override
    public String toString() {
        return "`" + schema + "`.`" + table + "` on " + host + ":" + port;
    }
}
