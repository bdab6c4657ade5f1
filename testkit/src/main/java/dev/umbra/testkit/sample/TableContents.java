package dev.umbra.testkit.sample;

import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads tables for comparison in tests: the rows as text (so that an assertion's failure shows
 * the rows that differ), the schema's tables, a table's definition.
 */
public final class TableContents {

    private TableContents() {
    }

    /** Every row of the given columns, ordered by the first, each row rendered as text. */
    public static List<String> rows(ConnectionSource database, String table, List<String> columns) throws SQLException {
        String select = columns.stream().map(SampleTable::quote).collect(Collectors.joining(", "));
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.open(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT " + select + " FROM " + SampleTable.quote(table) + " ORDER BY 1")) {
            while (row.next()) {
                StringBuilder text = new StringBuilder();
                for (int i = 1; i <= columns.size(); i++) {
                    text.append(i > 1 ? "|" : "").append(row.getString(i));
                }
                rows.add(text.toString());
            }
        }
        return rows;
    }

    public static List<String> rows(TestDatabase db, String table, List<String> columns) throws SQLException {
        return rows(db::connect, table, columns);
    }

    /** Names of the tables in the schema, sorted. */
    public static List<String> tables(TestDatabase db) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW TABLES")) {
            while (row.next()) {
                tables.add(row.getString(1));
            }
        }
        tables.sort(String::compareTo);
        return tables;
    }

    public static String createStatement(TestDatabase db, String table) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW CREATE TABLE " + SampleTable.quote(table))) {
            row.next();
            return row.getString(2);
        }
    }
}
