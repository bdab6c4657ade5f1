package dev.umbra.engine.inspect;

import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.alter.UniqueKeyDefinition;
import dev.umbra.engine.run.MigrationRefusedException;
import dev.umbra.engine.table.TableSchema;
import dev.umbra.engine.table.UniqueKey;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A UNIQUE or PRIMARY key added by the ALTER must not be able to reject existing rows: copying
 * would otherwise drop duplicates silently (gh-ost's failure mode 2). A new key is safe when its
 * columns include all columns of an existing NOT NULL unique key (widening a primary key, say);
 * any other is refused until the duplicate check runs first.
 */
final class UniqueKeyCheck {

    private UniqueKeyCheck() {
    }

    static void check(TableSchema original, ParsedAlter alter) throws MigrationRefusedException {
        for (UniqueKeyDefinition added : alter.addedUniqueKeys()) {
            Set<String> addedColumns = lowerCase(added.columns().stream()
                    .map(column -> originalName(column, alter)).toList());
            boolean impliedByExisting = original.uniqueKeys().stream()
                    .filter(existing -> !existing.nullable())
                    .map(UniqueKey::columns)
                    .anyMatch(existing -> addedColumns.containsAll(lowerCase(existing)));
            if (!impliedByExisting) {
                String name = added.primary() ? "PRIMARY KEY" : "UNIQUE key " + added.name().orElse("");
                throw new MigrationRefusedException("The ALTER adds a " + name.trim() + " on (" + String.join(", ", added.columns())
                        + ") that the current rows are not known to satisfy; copying could silently drop duplicate rows."
                        + " Umbra only adds unique keys that include an existing primary or NOT NULL unique key."
                        + " Check for duplicates and add the key with a native ALTER, or include the primary key's columns.");
            }
        }
    }

    private static String originalName(String ghostColumn, ParsedAlter alter) {
        return alter.columnRenames().entrySet().stream()
                .filter(rename -> rename.getValue().equalsIgnoreCase(ghostColumn))
                .map(java.util.Map.Entry::getKey)
                .findFirst().orElse(ghostColumn);
    }

    private static Set<String> lowerCase(List<String> names) {
        Set<String> set = new TreeSet<>();
        names.forEach(name -> set.add(name.toLowerCase(Locale.ROOT)));
        return set;
    }
}
