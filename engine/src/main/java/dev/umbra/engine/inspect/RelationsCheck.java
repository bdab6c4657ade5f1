package dev.umbra.engine.inspect;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.relation.ForeignKeys;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Refuses the foreign keys a table swap cannot carry, and returns those it can: the table's own
 * foreign keys to its parents, those that only check rows and those whose parent's changes cascade
 * into its rows, where Umbra can see every such change. They move to the new table at the cut-over
 * (see {@link ForeignKeysCheck}); triggers do too (see {@link TriggersCheck}).
 */
final class RelationsCheck {

    private static final String CHOICES = " Choose one: run the ALTER natively as online DDL (ALGORITHM=INPLACE,"
            + " LOCK=NONE) if the server can make this change in place; or drop those foreign keys, migrate with Umbra,"
            + " and add them back afterwards (with foreign_key_checks=0 adding one only writes metadata, so check for"
            + " orphaned rows first); or use a tool that rebuilds the constraints (pt-online-schema-change"
            + " --alter-foreign-keys-method=rebuild_constraints). Nothing was changed.";

    private RelationsCheck() {
    }

    static List<ForeignKey> check(Connection connection, TableName table, MigrationOptions options)
            throws SQLException, MigrationRefusedException {
        List<String> children = ForeignKeys.referencing(connection, table);
        if (!children.isEmpty()) {
            throw new MigrationRefusedException("`" + table.name() + "` is the parent of foreign keys: " + String.join(", ", children)
                    + ". At the cut-over Umbra renames `" + table.name() + "` away and the new table into its place; the server"
                    + " keeps those constraints on the renamed old table, so from then on they would check rows"
                    + " against it and not against the new `" + table.name() + "`." + CHOICES);
        }
        List<ForeignKey> keys = ForeignKeys.of(connection, table);
        for (ForeignKey key : keys.stream().filter(ForeignKey::changesChildRows).toList()) {
            checkCascading(connection, table, key, options);
        }
        return keys;
    }

    /**
     * A cascading key is migrated by making the parent's changes to the new table as they come
     * through the binlog (see {@code apply.ParentCascades}); what that cannot see is refused.
     */
    private static void checkCascading(Connection connection, TableName table, ForeignKey key,
                                       MigrationOptions options) throws SQLException, MigrationRefusedException {
        String rules = key.describe() + " " + key.childChangingRules();
        if ("SET DEFAULT".equals(key.deleteRule()) || "SET DEFAULT".equals(key.updateRule())) {
            throw new MigrationRefusedException("The foreign key " + rules + " of `" + table.name() + "` uses SET DEFAULT,"
                    + " which Umbra does not carry." + CHOICES);
        }
        if (!table.schema().equals(key.referencedSchema())) {
            throw new MigrationRefusedException("The foreign key " + rules + " of `" + table.name() + "` changes its rows when"
                    + " a row of a table in another schema changes. The server does not write those changes to the binary"
                    + " log, and Umbra follows the parent's changes to make them itself only within the table's own"
                    + " schema `" + table.schema() + "`." + CHOICES);
        }
        List<ForeignKey> parentsOwn = ForeignKeys.of(connection, table.sibling(key.referencedTable())).stream()
                .filter(ForeignKey::changesChildRows).toList();
        if (!parentsOwn.isEmpty()) {
            throw new MigrationRefusedException("The foreign key " + rules + " of `" + table.name() + "` points at `"
                    + key.referencedTable() + "`, whose own rows change through its foreign keys "
                    + parentsOwn.stream().map(own -> own.describe() + " " + own.childChangingRules())
                            .collect(Collectors.joining(", "))
                    + ". Those changes are not in the binary log, so Umbra cannot see them reach `" + table.name() + "`."
                    + CHOICES);
        }
        if (options.cutOverMethod() == CutOverMethod.TWO_STEP) {
            throw new MigrationRefusedException("The foreign key " + rules + " of `" + table.name() + "` changes its rows when `"
                    + key.referencedTable() + "` changes, and the two-step cut-over leaves a moment between its two"
                    + " renames in which such a change would reach neither table. Use the atomic cut-over (the default)."
                    + " Nothing was changed.");
        }
        if (key.updateCascades() && !options.verify()) {
            throw new MigrationRefusedException("The foreign key " + rules + " of `" + table.name() + "` copies changed keys of `"
                    + key.referencedTable() + "` into its rows. Umbra makes those changes to the new table as they come"
                    + " through the binlog, and a row the copy wrote ahead of them can be matched wrongly if a parent key"
                    + " is reused; the checksum before the cut-over finds and copies such rows again. Run with the"
                    + " checksum (without --no-verify / spec.verify: false). Nothing was changed.");
        }
    }
}
