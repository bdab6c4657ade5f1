package dev.umbra.engine.relation;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads, creates and drops the triggers of a table. */
public final class TableTriggers {

    private TableTriggers() {
    }

    /**
     * The triggers of {@code schema.table}, in the order to create them again: within one event and
     * timing, a trigger created later runs later, so creating them in their action order keeps it.
     * Looked up by TRIGGER_SCHEMA (a trigger lives in its table's schema), which MariaDB resolves to
     * one schema's directory; the cut-over reads them under its lock.
     */
    public static List<TableTrigger> read(Connection connection, TableName table) throws SQLException {
        List<TableTrigger> triggers = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT TRIGGER_NAME, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER, ACTION_STATEMENT, DEFINER, SQL_MODE,"
                        + " COLLATION_CONNECTION FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?"
                        + " AND EVENT_OBJECT_TABLE = ?")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    triggers.add(new TableTrigger(row.getString(1), row.getString(2), row.getString(3), row.getInt(4),
                            row.getString(5), row.getString(6), row.getString(7), row.getString(8)));
                }
            }
        }
        // Sorted here, not by the query: MySQL 8 orders EVENT_MANIPULATION by its enum value, the others by name.
        triggers.sort(Comparator.comparing(TableTrigger::event).thenComparing(TableTrigger::timing)
                .thenComparingInt(TableTrigger::actionOrder));
        return List.copyOf(triggers);
    }

    /**
     * Creates {@code trigger} on {@code schema.table} under {@code name}, in the SQL mode and
     * connection collation it was first created in, then puts the session's own back.
     */
    public static void create(Connection connection, TableName table, TableTrigger trigger, String name)
            throws SQLException {
        String sqlMode;
        String collation;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@SESSION.sql_mode, @@SESSION.collation_connection")) {
            row.next();
            sqlMode = row.getString(1);
            collation = row.getString(2);
        }
        try (PreparedStatement settings = connection.prepareStatement("SET SESSION sql_mode = ?, collation_connection = ?")) {
            settings.setString(1, trigger.sqlMode());
            settings.setString(2, trigger.collationConnection());
            settings.execute();
            try (Statement statement = connection.createStatement()) {
                statement.execute(trigger.createStatement(table, name));
            } finally {
                settings.setString(1, sqlMode);
                settings.setString(2, collation);
                settings.execute();
            }
        }
    }

    public static void drop(Connection connection, String schema, String name) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER IF EXISTS " + Sql.qualified(schema, name));
        }
    }
}
