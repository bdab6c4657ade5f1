package dev.umbra.engine.plan;

import java.util.Objects;

/**
 * One table, by its schema and its name as the server stores them: what every lookup, lock and
 * statement about a table takes, rather than two strings that read alike and can be swapped.
 */
public record TableName(String schema, String name) {

    public TableName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    /** Another table of the same schema, e.g. a helper table of this one. */
    public TableName sibling(String other) {
        return new TableName(schema, other);
    }

    /** {@code `schema`.`name`}, for messages. */
    @Override
    public String toString() {
        return "`" + schema + "`.`" + name + "`";
    }
}
