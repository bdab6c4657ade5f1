package dev.umbra.engine.relation;

import dev.umbra.engine.sql.Sql;
import java.util.List;
import java.util.Set;

/**
 * A foreign key of a child table, as the server keeps it.
 *
 * @param updateRule {@code RESTRICT}, {@code NO ACTION}, {@code CASCADE}, {@code SET NULL} or {@code SET DEFAULT}
 * @param definition the constraint as SHOW CREATE TABLE prints it after its name ({@code FOREIGN KEY
 *                   (...) REFERENCES ...}): the server's own text, so that adding it again gives the
 *                   same definition (the servers print a rule given explicitly differently from a default one)
 */
public record ForeignKey(String name, List<String> columns, String referencedSchema, String referencedTable,
                         List<String> referencedColumns, String updateRule, String deleteRule, String definition) {

    private static final Set<String> CHECKS_ONLY = Set.of("RESTRICT", "NO ACTION");

    /**
     * Whether a change of the parent changes rows of the child: those changes are made inside the
     * storage engine and never reach the binary log.
     */
    public boolean changesChildRows() {
        return !CHECKS_ONLY.contains(updateRule) || !CHECKS_ONLY.contains(deleteRule);
    }

    /** Deleting the parent row deletes the child rows. */
    public boolean deleteCascades() {
        return "CASCADE".equals(deleteRule);
    }

    /** Deleting the parent row sets the child rows' key columns to NULL. */
    public boolean deleteSetsNull() {
        return "SET NULL".equals(deleteRule);
    }

    /** Changing the parent's referenced values changes the child rows' key columns to the new values. */
    public boolean updateCascades() {
        return "CASCADE".equals(updateRule);
    }

    /** Changing the parent's referenced values sets the child rows' key columns to NULL. */
    public boolean updateSetsNull() {
        return "SET NULL".equals(updateRule);
    }

    /** {@code `fk` (a, b) -> `shop`.`parent` (x, y)}, for messages. */
    public String describe() {
        return "`" + name + "` (" + String.join(", ", columns) + ") -> `" + referencedSchema + "`.`" + referencedTable + "` ("
                + String.join(", ", referencedColumns) + ")";
    }

    /** The rules that make the parent's changes reach the child, for messages. */
    public String childChangingRules() {
        StringBuilder rules = new StringBuilder();
        if (!CHECKS_ONLY.contains(deleteRule)) {
            rules.append("ON DELETE ").append(deleteRule);
        }
        if (!CHECKS_ONLY.contains(updateRule)) {
            rules.append(rules.isEmpty() ? "" : " ").append("ON UPDATE ").append(updateRule);
        }
        return rules.toString();
    }

    /** {@code ADD CONSTRAINT `name` FOREIGN KEY (...) REFERENCES ...} */
    String addClause(String constraintName) {
        return "ADD CONSTRAINT " + Sql.quote(constraintName) + " " + definition;
    }
}
