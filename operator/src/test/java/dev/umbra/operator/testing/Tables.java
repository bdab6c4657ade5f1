package dev.umbra.operator.testing;

import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What is in a test schema. */
public final class Tables {

    private Tables() {
    }

    /** The tables of the test's schema, sorted. */
    public static List<String> names(TestDatabase db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                     + db.schema() + "' ORDER BY table_name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    public static String createStatement(TestDatabase db, String table) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW CREATE TABLE `" + table + "`")) {
            row.next();
            return row.getString(2);
        }
    }

    public static long count(TestDatabase db, String table) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM `" + table + "`")) {
            row.next();
            return row.getLong(1);
        }
    }
}
