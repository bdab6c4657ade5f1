package dev.umbra.engine.verify;

import dev.umbra.engine.table.MappedColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether every key column sorts the same in both tables, so that a key range selects the same
 * rows in each: only then can the checksum compare the tables range by range.
 */
final class KeyOrder {

    private static final Logger log = LoggerFactory.getLogger(KeyOrder.class);

    private KeyOrder() {
    }

    static boolean preserved(Connection connection, VerifyContext context) throws SQLException {
        for (MappedColumn column : context.mapping().key()) {
            boolean bothIntegers = column.integerInBoth();
            boolean sameType = column.original().columnType().equalsIgnoreCase(column.ghost().columnType())
                    && Objects.equals(collation(connection, context, context.original(), column.original().name()),
                            collation(connection, context, context.ghost(), column.ghostName()));
            if (!bothIntegers && !sameType) {
                log.info("The ALTER changes how key column `{}` sorts; the checksum compares `{}` as one chunk",
                        column.ghostName(), context.original());
                return false;
            }
        }
        return true;
    }

    private static String collation(Connection connection, VerifyContext context, String table, String column)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT COLLATION_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            statement.setString(1, context.schema());
            statement.setString(2, table);
            statement.setString(3, column);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
