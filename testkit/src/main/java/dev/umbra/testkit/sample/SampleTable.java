package dev.umbra.testkit.sample;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The sample table and its mirror: {@code (id BIGINT AUTO_INCREMENT PRIMARY KEY, name, qty,
 * updated_at DATETIME(6), note NULL)}, both loaded with the same rows. The mirror is never migrated;
 * {@link MirroredWriter} keeps it equal to the table.
 */
public final class SampleTable {

    static final String DEFINITION = " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
            + " qty INT NOT NULL, updated_at DATETIME(6) NOT NULL, note VARCHAR(255) NULL) ENGINE=InnoDB";
    /** The columns both tables share before and after the migration. */
    public static final String COLUMNS = "id, name, qty, updated_at, note";

    private SampleTable() {
    }

    public static String mirrorOf(String table) {
        return table + "_mirror";
    }

    /** Creates {@code table} and its mirror with {@code rows} rows (made by doubling, in a few statements). */
    public static void create(ConnectionSource database, String table, int rows) throws SQLException {
        String mirror = mirrorOf(table);
        try (Connection connection = database.open(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + quote(table) + DEFINITION);
            statement.execute("CREATE TABLE " + quote(mirror) + DEFINITION);
            // Row n: 'item-n', n % 1000, 2024-01-01 plus n seconds and n % 1000 microseconds, a note
            // unless n % 7 = 0; doubled in a few statements, so that large tables load fast.
            // Ids are given, not left to AUTO_INCREMENT, which leaves gaps after a bulk insert: tests
            // rely on ids 1 to rows.
            statement.execute("INSERT INTO " + quote(table) + " (id, name, qty, updated_at, note)"
                    + " VALUES (1, 'item-1', 1, '2024-01-01 00:00:01.000001', 'note 1')");
            for (int count = 1; count < rows; count *= 2) {
                int adding = Math.min(count, rows - count);
                String n = "(id + " + count + ")";
                statement.execute("INSERT INTO " + quote(table) + " (id, name, qty, updated_at, note)"
                        + " SELECT " + n + ", CONCAT('item-', " + n + "), " + n + " % 1000,"
                        + " TIMESTAMP('2024-01-01 00:00:00') + INTERVAL " + n + " SECOND + INTERVAL " + n + " % 1000 MICROSECOND,"
                        + " IF(" + n + " % 7 = 0, NULL, CONCAT('note ', " + n + "))"
                        + " FROM " + quote(table) + " ORDER BY id LIMIT " + adding);
            }
            statement.execute("INSERT INTO " + quote(mirror) + " SELECT * FROM " + quote(table));
        }
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
