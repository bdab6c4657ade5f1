package dev.umbra.engine.alter;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ALTER clause list that passed {@link AlterParser}, with the facts about it that the engine
 * needs to copy rows and cut over safely.
 *
 * <p>Column names are stored unquoted, as the user wrote them, and every set and map here compares
 * them case-insensitively, as MySQL compares column names: {@code droppedColumns().contains("ID")}
 * is true after {@code DROP COLUMN id}. (Because of that, compare them with
 * {@code ourSet.equals(other)}, not {@code other.equals(ourSet)}.)
 *
 * @param clauseList the text to put after {@code ALTER TABLE <ghost table>}: the user's clauses
 *     verbatim, from the first clause to the last, without a leading {@code ALTER TABLE name}, a
 *     trailing semicolon, or comments and whitespace around them. It is the only user text Umbra
 *     ever puts into SQL, and it has been checked by a MySQL grammar.
 * @param columnRenames old name to new name, for {@code CHANGE old new ...} and {@code RENAME COLUMN
 *     old TO new} where the names differ other than in letter case; the copy reads {@code old} and
 *     writes {@code new}
 * @param droppedColumns columns removed by {@code DROP [COLUMN]}
 * @param addedColumns columns created by {@code ADD [COLUMN]}
 * @param modifiedColumns columns whose definition {@code MODIFY} or {@code CHANGE} replaces, by
 *     their new name
 * @param addedUniqueKeys unique and primary keys that the alter text adds, in clause order
 * @param changesPrimaryKey whether the primary key is dropped ({@code DROP PRIMARY KEY}, {@code
 *     DROP INDEX `PRIMARY`}) or added
 * @param explicitAutoIncrement the {@code AUTO_INCREMENT=n} table option, if given
 * @param addsForeignKey whether a foreign key is added ({@code ADD [CONSTRAINT] FOREIGN KEY} or a
 *     column's {@code REFERENCES}); only ever true when foreign keys were allowed when parsing
 */
public record ParsedAlter(
        String clauseList,
        Map<String, String> columnRenames,
        Set<String> droppedColumns,
        Set<String> addedColumns,
        Set<String> modifiedColumns,
        List<UniqueKeyDefinition> addedUniqueKeys,
        boolean changesPrimaryKey,
        OptionalLong explicitAutoIncrement,
        boolean addsForeignKey) {

    public ParsedAlter {
        Objects.requireNonNull(clauseList, "clauseList");
        Objects.requireNonNull(explicitAutoIncrement, "explicitAutoIncrement");
        TreeMap<String, String> renames = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        renames.putAll(columnRenames);
        columnRenames = Collections.unmodifiableSortedMap(renames);
        droppedColumns = caseInsensitive(droppedColumns);
        addedColumns = caseInsensitive(addedColumns);
        modifiedColumns = caseInsensitive(modifiedColumns);
        addedUniqueKeys = List.copyOf(addedUniqueKeys);
    }

    /** Whether the alter text adds a unique or primary key: copying may then drop duplicate rows. */
    public boolean addsUniqueKey() {
        return !addedUniqueKeys.isEmpty();
    }

    private static Set<String> caseInsensitive(Collection<String> names) {
        TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return Collections.unmodifiableSortedSet(set);
    }
}
