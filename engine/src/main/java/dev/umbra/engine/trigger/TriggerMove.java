package dev.umbra.engine.trigger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Moves a table's triggers to another table under the same names. Names are unique in a schema, so
 * each must be dropped from its table before it can be created on the other: the move is done
 * while writers are locked out of the source table, and {@link #undo} puts back what was moved
 * if the swap it belongs to does not happen.
 */
public final class TriggerMove {

    private final String schema;
    private final String from;
    private final String to;
    private final List<TableTrigger> triggers;
    private final List<TableTrigger> dropped = new ArrayList<>();
    private final List<TableTrigger> created = new ArrayList<>();

    private TriggerMove(String schema, String from, String to, List<TableTrigger> triggers) {
        this.schema = schema;
        this.from = from;
        this.to = to;
        this.triggers = triggers;
    }

    /** The move of every trigger {@code from} has now, read through {@code reader}. */
    public static TriggerMove of(Connection reader, String schema, String from, String to) throws SQLException {
        return new TriggerMove(schema, from, to, TableTriggers.read(reader, schema, from));
    }

    public boolean isEmpty() {
        return triggers.isEmpty();
    }

    /**
     * Drops every trigger from the source through {@code fromSession} (the one holding its write
     * lock, if any), then creates them on the target through {@code toSession}, in their order.
     */
    public void run(Connection fromSession, Connection toSession) throws SQLException {
        for (TableTrigger trigger : triggers) {
            TableTriggers.drop(fromSession, schema, trigger.name());
            dropped.add(trigger);
        }
        for (TableTrigger trigger : triggers) {
            TableTriggers.create(toSession, schema, to, trigger, trigger.name());
            created.add(trigger);
        }
    }

    /** Puts back on the source what {@link #run} moved: drops them from the target, creates them again. */
    public void undo(Connection fromSession, Connection toSession) throws SQLException {
        for (TableTrigger trigger : created) {
            TableTriggers.drop(toSession, schema, trigger.name());
        }
        created.clear();
        for (TableTrigger trigger : dropped) {
            TableTriggers.create(fromSession, schema, from, trigger, trigger.name());
        }
        dropped.clear();
    }

    /** Whether {@link #run} dropped any trigger from the source that {@link #undo} has not put back. */
    public boolean sourceIsMissingTriggers() {
        return !dropped.isEmpty();
    }

    /** The mysql-client script that creates the moved triggers on the source again, for a person to run. */
    public String sourceStatements() {
        return triggers.stream().map(trigger -> "SET SESSION sql_mode = '" + trigger.sqlMode() + "', collation_connection = '"
                        + trigger.collationConnection() + "' //\n" + trigger.createStatement(schema, from, trigger.name()) + " //\n")
                .collect(Collectors.joining("", "DELIMITER //\n", "DELIMITER ;"));
    }

    /** {@code `a` (BEFORE INSERT), `b` (AFTER DELETE)} */
    public String describe() {
        return triggers.stream().map(TableTrigger::describe).collect(Collectors.joining(", "));
    }
}
