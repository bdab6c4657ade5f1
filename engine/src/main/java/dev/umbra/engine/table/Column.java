package dev.umbra.engine.table;

import java.util.Locale;

/**
 * One column as information_schema describes it.
 *
 * @param name       the column name as stored
 * @param position   1-based ordinal position, which is also its place in binlog row images
 * @param dataType   lower-case base type, e.g. {@code int}, {@code varchar}, {@code enum}
 * @param columnType full type, e.g. {@code int(10) unsigned}, {@code enum('a','b')}
 * @param charset    character set of character columns, otherwise null
 * @param collation  collation of character columns, otherwise null
 * @param nullable   whether NULL is allowed
 * @param generated  a virtual or stored generated column: the server computes it, Umbra never writes it
 */
public record Column(String name, int position, String dataType, String columnType, String charset,
                     String collation, boolean nullable, boolean generated) {

    public boolean unsigned() {
        return columnType.toLowerCase(Locale.ROOT).contains("unsigned");
    }

    public boolean nameEquals(String other) {
        return name.equalsIgnoreCase(other);
    }
}
