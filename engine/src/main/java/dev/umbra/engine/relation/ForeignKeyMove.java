package dev.umbra.engine.relation;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/** Moves a child table's foreign keys to another table under the same names: one ALTER on each. */
public final class ForeignKeyMove implements RelationMove {

    private final String schema;
    private final String from;
    private final String to;
    private final List<ForeignKey> keys;
    private boolean dropped;
    private boolean added;

    private ForeignKeyMove(String schema, String from, String to, List<ForeignKey> keys) {
        this.schema = schema;
        this.from = from;
        this.to = to;
        this.keys = keys;
    }

    /** The move of every foreign key {@code from} has now, read through {@code reader}. */
    public static ForeignKeyMove of(Connection reader, String schema, String from, String to) throws SQLException {
        return new ForeignKeyMove(schema, from, to, ForeignKeys.of(reader, new TableName(schema, from)));
    }

    @Override
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    @Override
    public void detach(Connection fromSession) throws SQLException {
        ForeignKeys.drop(fromSession, new TableName(schema, from), names());
        dropped = !keys.isEmpty();
    }

    @Override
    public void attach(Connection toSession) throws SQLException {
        if (dropped) {
            ForeignKeys.add(toSession, new TableName(schema, to), keys, ForeignKey::name);
            added = true;
        }
    }

    @Override
    public void undo(Connection fromSession, Connection toSession) throws SQLException {
        if (added) {
            ForeignKeys.drop(toSession, new TableName(schema, to), names());
            added = false;
        }
        if (dropped) {
            ForeignKeys.add(fromSession, new TableName(schema, from), keys, ForeignKey::name);
            dropped = false;
        }
    }

    @Override
    public boolean sourceIsMissingSome() {
        return dropped;
    }

    @Override
    public String describe() {
        return keys.stream().map(ForeignKey::describe).collect(Collectors.joining(", "));
    }

    @Override
    public String sourceStatements() {
        return "SET SESSION foreign_key_checks = 0;\nALTER TABLE " + Sql.qualified(schema, from) + " "
                + keys.stream().map(key -> key.addClause(key.name())).collect(Collectors.joining(", ")) + ";\n"
                + "SET SESSION foreign_key_checks = 1;";
    }

    private List<String> names() {
        return keys.stream().map(ForeignKey::name).toList();
    }
}
