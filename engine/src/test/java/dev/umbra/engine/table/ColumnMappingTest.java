package dev.umbra.engine.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.alter.AlterParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which columns the copy and the applier write where, and which key identifies rows. */
class ColumnMappingTest {

    @Test
    void droppedColumnsAreNotCopiedAndRenamedOnesAreCopiedUnderTheirNewName() throws Exception {
        TableSchema original = table(List.of(column("id", false), column("a", true), column("b", true)), primary("id"));
        TableSchema ghost = table(List.of(column("id", false), column("alpha", true), column("c", true)), primary("id"));

        ColumnMapping mapping = ColumnMapping.build(original, ghost,
                AlterParser.parse("t", "DROP COLUMN b, RENAME COLUMN a TO alpha, ADD COLUMN c INT", false));

        assertThat(mapping.columns()).extracting(column -> column.original().name() + "->" + column.ghostName() + "@"
                + column.originalIndex()).containsExactly("id->id@0", "a->alpha@1");
        assertThat(mapping.ghostKeyNames()).containsExactly("id");
        assertThat(mapping.keyUniqueInGhost()).isTrue();
    }

    @Test
    void theInverseMapsTheNewTablesColumnsBackAtTheirOwnPlaces() throws Exception {
        TableSchema original = table(List.of(column("id", false), column("a", true), column("b", true)), primary("id"));
        TableSchema ghost = table(List.of(column("c", true), column("id", false), column("alpha", true)), primary("id"));

        ColumnMapping inverse = ColumnMapping.build(original, ghost,
                AlterParser.parse("t", "DROP COLUMN b, RENAME COLUMN a TO alpha, ADD COLUMN c INT FIRST", false)).inverse();

        // Binlog images of the new table have c first: each column is read at its place there.
        assertThat(inverse.columns()).extracting(column -> column.original().name() + "->" + column.ghostName() + "@"
                + column.originalIndex()).containsExactly("id->id@1", "alpha->a@2");
        assertThat(inverse.originalKeyNames()).containsExactly("id");
        assertThat(inverse.ghostKeyNames()).containsExactly("id");
        assertThat(inverse.keyUniqueInGhost()).isTrue();
        assertThat(inverse.valueTargets()).containsOnlyKeys(2);
    }

    @Test
    void aColumnDroppedAndAddedAgainUnderItsNameIsNotCopied() throws Exception {
        TableSchema original = table(List.of(column("id", false), column("a", true)), primary("id"));
        TableSchema ghost = table(List.of(column("id", false), column("a", true)), primary("id"));

        ColumnMapping mapping = ColumnMapping.build(original, ghost, AlterParser.parse("t", "DROP COLUMN a, ADD COLUMN a INT", false));

        assertThat(mapping.ghostNames()).containsExactly("id");
    }

    @Test
    void aWidenedPrimaryKeyStillIdentifiesRowsButIsNoLongerUniqueInTheGhost() throws Exception {
        TableSchema original = table(List.of(column("id", false), column("b", false)), primary("id"));
        TableSchema ghost = table(List.of(column("id", false), column("b", false)), primary("id", "b"));

        ColumnMapping mapping = ColumnMapping.build(original, ghost,
                AlterParser.parse("t", "DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)", false));

        assertThat(mapping.originalKeyNames()).containsExactly("id");
        assertThat(mapping.keyUniqueInGhost()).as("a changed b would add a second row beside the old one").isFalse();
    }

    @Test
    void aNullableUniqueKeyIsPassedOverForANotNullOne() throws Exception {
        List<Column> columns = List.of(column("code", true), column("email", false), column("v", true));
        TableSchema original = new TableSchema("s", "t", "InnoDB", columns,
                List.of(new UniqueKey("code", List.of("code"), true), new UniqueKey("email", List.of("email"), false)));

        ColumnMapping mapping = ColumnMapping.build(original, original, AlterParser.parse("t", "ADD COLUMN w INT", false));

        assertThat(mapping.originalKey().name()).isEqualTo("email");
    }

    @Test
    void aGeneratedKeyColumnThatBothTablesComputeAlikeIdentifiesRowsWithoutBeingWritten() throws Exception {
        Column generated = new Column("k", 2, "int", "int", null, null, false, true, "(`id` * 2)");
        TableSchema original = table(List.of(column("id", false), generated), primary("k"));
        List<Column> ghostColumns = new ArrayList<>(original.columns());
        ghostColumns.add(column("c", true));
        TableSchema ghost = table(ghostColumns, primary("k"));

        ColumnMapping mapping = ColumnMapping.build(original, ghost, AlterParser.parse("t", "ADD COLUMN c INT", false));

        assertThat(mapping.ghostNames()).containsExactly("id");
        assertThat(mapping.ghostKeyNames()).containsExactly("k");
    }

    @Test
    void noSurvivingKeyIsRefusedWithTheReason() {
        TableSchema original = table(List.of(column("id", false), column("a", true)), primary("id"));
        TableSchema ghost = table(List.of(column("a", true)), List.of());

        ColumnMapping.ShapeException refused = catchThrowableOfType(ColumnMapping.ShapeException.class,
                () -> ColumnMapping.build(original, ghost, AlterParser.parse("t", "DROP COLUMN id", false)));

        assertThat(refused).hasMessageContaining("No primary key or NOT NULL unique key of `t` survives the ALTER unchanged");
    }

    /** The columns at their places, as information_schema numbers them. */
    private static TableSchema table(List<Column> columns, List<UniqueKey> keys) {
        List<Column> placed = new ArrayList<>();
        for (Column column : columns) {
            placed.add(new Column(column.name(), placed.size() + 1, column.dataType(), column.columnType(), column.charset(),
                    column.collation(), column.nullable(), column.generated(), column.expression()));
        }
        return new TableSchema("s", "t", "InnoDB", placed, keys);
    }

    private static List<UniqueKey> primary(String... columns) {
        return List.of(new UniqueKey("PRIMARY", List.of(columns), false));
    }

    private static Column column(String name, boolean nullable) {
        return new Column(name, 0, "int", "int", null, null, nullable, false, "");
    }
}
