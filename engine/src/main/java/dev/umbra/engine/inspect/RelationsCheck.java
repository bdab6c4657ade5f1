package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.relation.ForeignKeys;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Refuses the foreign keys a table swap cannot carry, and returns those it can: the table's own
 * foreign keys to its parents, each of which only checks rows. They move to the new table at the
 * cut-over (see {@link ForeignKeysCheck}); triggers do too (see {@link TriggersCheck}).
 */
final class RelationsCheck {

    private static final String CHOICES = " Choose one: run the ALTER natively as online DDL (ALGORITHM=INPLACE,"
            + " LOCK=NONE) if the server can make this change in place; or drop those foreign keys, migrate with Umbra,"
            + " and add them back afterwards (with foreign_key_checks=0 adding one only writes metadata, so check for"
            + " orphaned rows first); or use a tool that rebuilds the constraints (pt-online-schema-change"
            + " --alter-foreign-keys-method=rebuild_constraints). Nothing was changed.";

    private RelationsCheck() {
    }

    static List<ForeignKey> check(Connection connection, String schema, String table) throws SQLException, MigrationRefusedException {
        List<String> children = ForeignKeys.referencing(connection, schema, table);
        if (!children.isEmpty()) {
            throw new MigrationRefusedException("`" + table + "` is the parent of foreign keys: " + String.join(", ", children)
                    + ". At the cut-over Umbra renames `" + table + "` away and the new table into its place; the server"
                    + " keeps those constraints on the renamed old table, so from then on they would check rows"
                    + " against it and not against the new `" + table + "`." + CHOICES);
        }
        List<ForeignKey> keys = ForeignKeys.of(connection, schema, table);
        List<ForeignKey> changing = keys.stream().filter(ForeignKey::changesChildRows).toList();
        if (!changing.isEmpty()) {
            throw new MigrationRefusedException("The foreign keys " + changing.stream()
                    .map(key -> key.describe() + " " + key.childChangingRules()).collect(Collectors.joining(", "))
                    + " change rows of `" + table + "` when the parent changes. The server makes those changes inside"
                    + " the storage engine and does not write them to the binary log (only the parent's change is"
                    + " there), so Umbra's new table would miss them. Foreign keys with RESTRICT or NO ACTION are"
                    + " migrated." + CHOICES);
        }
        return keys;
    }
}
