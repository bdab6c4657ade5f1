package dev.umbra.engine.verify;

import dev.umbra.engine.table.ColumnMapping;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Migration-key values read from a result, ready to be bound again. */
final class KeyValues {

    private static final Set<String> TEMPORAL_TYPES = Set.of("date", "datetime", "timestamp", "time", "year");

    private KeyValues() {
    }

    /**
     * The key in the first columns of the current row: temporal values as their text (a Java date
     * type would pass through the JVM's time zone), everything else as the driver's natural type.
     */
    static List<Object> read(ResultSet row, ColumnMapping mapping) throws SQLException {
        List<Object> key = new ArrayList<>();
        for (int i = 1; i <= mapping.key().size(); i++) {
            boolean temporal = TEMPORAL_TYPES.contains(mapping.key().get(i - 1).original().dataType());
            key.add(temporal ? row.getString(i) : row.getObject(i));
        }
        return key;
    }
}
