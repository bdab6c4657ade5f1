package dev.umbra.engine.inspect;

import dev.umbra.engine.progress.RevertVerdict;
import dev.umbra.engine.progress.RevertVerdict.Kind;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.table.Column;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import dev.umbra.engine.table.TableSchema;
import dev.umbra.engine.table.TypeWidening;
import dev.umbra.engine.table.UniqueKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the cut-over of a migration can be undone by keeping the old table in step: every row
 * written to the new table since the cut-over goes to the old one through the inverse of the
 * column mapping. Computed from the two definitions, before anything runs:
 * <ul>
 *   <li>not reversible where the old table could not take those rows as they are: a unique key the
 *       ALTER drops (rows may collide in it), a character set change (text may have no form in the
 *       old one), a collation change in a unique key, rows the server changes without a binlog trace
 *       (cascading foreign keys), or no old table at all (an instant ALTER);</li>
 *   <li>reversible with a named loss where the inverse keeps the rows but not every value: a dropped
 *       column (rows inserted since get its default), a narrowed or otherwise changed type (rows
 *       changed since keep the new type's values, converted back);</li>
 *   <li>reversible otherwise. A widened type stays reversible as long as every value written since the
 *       cut-over fits the old type; the strict session that keeps the old table in step finds the
 *       first that does not, and the window says so.</li>
 * </ul>
 */
public final class Reversibility {

    private final List<String> refusals = new ArrayList<>();
    private final List<String> losses = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Reversibility() {
    }

    /** @param instant whether the ALTER runs in place, leaving no old table */
    public static RevertVerdict of(Inspection inspection, boolean instant) {
        Reversibility verdict = new Reversibility();
        if (instant) {
            verdict.refusals.add("the server runs this ALTER in place (instant), so no old table is left to go back to;"
                    + " run it with instant DDL off to keep one");
        }
        verdict.cascades(inspection.foreignKeys());
        verdict.keys(inspection.original(), inspection.ghost(), inspection.mapping());
        verdict.columns(inspection.original(), inspection.ghost(), inspection.mapping());
        if (!verdict.refusals.isEmpty()) {
            return new RevertVerdict(Kind.NOT_REVERSIBLE, verdict.refusals);
        }
        if (!verdict.losses.isEmpty()) {
            return new RevertVerdict(Kind.REVERSIBLE_WITH_LOSS, verdict.losses);
        }
        return new RevertVerdict(Kind.REVERSIBLE, verdict.notes);
    }

    private void cascades(List<ForeignKey> foreignKeys) {
        for (ForeignKey key : foreignKeys) {
            if (key.changesChildRows()) {
                refusals.add("foreign key `" + key.name() + "` changes rows through cascades from `" + key.referencedTable()
                        + "`, which leave no trace in the binlog for the old table to follow");
            }
        }
    }

    private void keys(TableSchema original, TableSchema ghost, ColumnMapping mapping) {
        if (!mapping.keyUniqueInGhost()) {
            refusals.add("the new table's rows are not unique by " + mapping.originalKeyNames()
                    + ", the key that identifies them in the old table");
        }
        for (UniqueKey key : original.uniqueKeys()) {
            Optional<List<String>> inGhost = ghostNames(key, mapping);
            boolean kept = inGhost.isPresent() && ghost.uniqueKeys().stream().anyMatch(unique -> unique.columns().stream()
                    .allMatch(column -> inGhost.get().stream().anyMatch(column::equalsIgnoreCase)));
            if (!kept) {
                refusals.add("the ALTER drops unique key `" + key.name() + "`: rows written since the cut-over may"
                        + " collide in it in the old table");
            } else if (collationChanges(key, mapping)) {
                refusals.add("a column of unique key `" + key.name() + "` changes collation: values distinct in the new"
                        + " table may collide in the old one");
            }
        }
    }

    private void columns(TableSchema original, TableSchema ghost, ColumnMapping mapping) {
        for (Column column : original.columns()) {
            boolean mapped = mapping.columns().stream().anyMatch(m -> m.original().equals(column));
            if (!mapped && !column.generated() && !isKeyColumn(column, mapping)) {
                losses.add("`" + column.name() + "` is dropped: rows inserted since the cut-over get its default in the old"
                        + " table (a NOT NULL column without one ends the window at the first)");
            }
        }
        for (Column column : ghost.columns()) {
            boolean mapped = mapping.columns().stream().anyMatch(m -> m.ghost().equals(column));
            if (!mapped && !column.generated() && mapping.key().stream().noneMatch(m -> m.ghost().equals(column))) {
                notes.add("`" + column.name() + "` is added: its values are gone after a revert");
            }
        }
        for (MappedColumn column : mapping.columns()) {
            typeChange(column.original(), column.ghost());
        }
    }

    private void typeChange(Column old, Column now) {
        if (TypeWidening.same(old, now)) {
            return;
        }
        String name = "`" + now.name() + "` (" + old.columnType() + " -> " + now.columnType() + ")";
        if (old.charset() != null && now.charset() != null && !old.charset().equals(now.charset())) {
            refusals.add(name + " changes character set from " + old.charset() + " to " + now.charset()
                    + ": text written since the cut-over may have no " + old.charset() + " form");
        } else if (old.columnType().equalsIgnoreCase(now.columnType())) {
            notes.add(name + " changes collation from " + old.collation() + " to " + now.collation());
        } else if (TypeWidening.widens(old, now)) {
            notes.add(name + " is widened: a value written since the cut-over that " + old.columnType()
                    + " cannot hold ends the window");
        } else if (TypeWidening.widens(now, old)) {
            losses.add(name + " is narrowed: rows changed since the cut-over keep the narrowed values");
        } else {
            losses.add(name + " changes type: rows changed since the cut-over get their values converted back by the"
                    + " server, and one that " + old.columnType() + " cannot hold ends the window");
        }
    }

    private static boolean isKeyColumn(Column column, ColumnMapping mapping) {
        return mapping.key().stream().anyMatch(m -> m.original().equals(column));
    }

    /** The key's columns under their names in the new table; empty if one of them is not carried over. */
    private static Optional<List<String>> ghostNames(UniqueKey key, ColumnMapping mapping) {
        List<String> names = new ArrayList<>();
        for (String column : key.columns()) {
            Optional<MappedColumn> mapped = mapping.columns().stream().filter(m -> m.original().nameEquals(column)).findFirst()
                    .or(() -> mapping.key().stream().filter(m -> m.original().nameEquals(column)).findFirst());
            if (mapped.isEmpty()) {
                return Optional.empty();
            }
            names.add(mapped.get().ghostName());
        }
        return Optional.of(names);
    }

    private static boolean collationChanges(UniqueKey key, ColumnMapping mapping) {
        return mapping.columns().stream()
                .filter(m -> key.columns().stream().anyMatch(m.original()::nameEquals))
                .anyMatch(m -> !Objects.equals(m.original().collation(), m.ghost().collation()));
    }
}
