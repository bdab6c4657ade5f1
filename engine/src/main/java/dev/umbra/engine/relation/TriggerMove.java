package dev.umbra.engine.relation;

import dev.umbra.engine.plan.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Moves a table's triggers to another table under the same names, in their order. */
public final class TriggerMove implements RelationMove {

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
        return new TriggerMove(schema, from, to, TableTriggers.read(reader, new TableName(schema, from)));
    }

    @Override
    public boolean isEmpty() {
        return triggers.isEmpty();
    }

    @Override
    public void detach(Connection fromSession) throws SQLException {
        for (TableTrigger trigger : triggers) {
            TableTriggers.drop(fromSession, schema, trigger.name());
            dropped.add(trigger);
        }
    }

    @Override
    public void attach(Connection toSession) throws SQLException {
        for (TableTrigger trigger : dropped) {
            TableTriggers.create(toSession, new TableName(schema, to), trigger, trigger.name());
            created.add(trigger);
        }
    }

    @Override
    public void undo(Connection fromSession, Connection toSession) throws SQLException {
        for (TableTrigger trigger : created) {
            TableTriggers.drop(toSession, schema, trigger.name());
        }
        created.clear();
        for (TableTrigger trigger : dropped) {
            TableTriggers.create(fromSession, new TableName(schema, from), trigger, trigger.name());
        }
        dropped.clear();
    }

    @Override
    public boolean sourceIsMissingSome() {
        return !dropped.isEmpty();
    }

    @Override
    public String describe() {
        return triggers.stream().map(TableTrigger::describe).collect(Collectors.joining(", "));
    }

    @Override
    public String sourceStatements() {
        return triggers.stream().map(trigger -> "SET SESSION sql_mode = '" + trigger.sqlMode() + "', collation_connection = '"
                        + trigger.collationConnection() + "' //\n" + trigger.createStatement(new TableName(schema, from), trigger.name()) + " //\n")
                .collect(Collectors.joining("", "DELIMITER //\n", "DELIMITER ;"));
    }
}
