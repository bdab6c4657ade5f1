package dev.umbra.engine.alter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Accepted shapes: the facts the engine relies on, and the exact clause list it splices. */
class AlterParserTest {

    private static ParsedAlter parse(String alterText) {
        return AlterParser.parse("users", alterText);
    }

    /** A ParsedAlter built from lists, to compare whole results in one assertion. */
    private static ParsedAlter expected(String clauseList, Map<String, String> renames,
            List<String> dropped, List<String> added, List<String> modified,
            List<UniqueKeyDefinition> uniqueKeys, boolean changesPrimaryKey,
            OptionalLong autoIncrement, boolean addsForeignKey) {
        return new ParsedAlter(clauseList, renames, Set.copyOf(dropped), Set.copyOf(added),
                Set.copyOf(modified), uniqueKeys, changesPrimaryKey, autoIncrement,
                addsForeignKey);
    }

    /** For shapes with no column or key facts: only the clause list matters. */
    private static void assertPlain(ParsedAlter parsed, String clauseList) {
        assertThat(parsed).isEqualTo(expected(clauseList, Map.of(), List.of(), List.of(),
                List.of(), List.of(), false, OptionalLong.empty(), false));
    }

    // --- the two forms and what clauseList() keeps ---

    @Test
    void bareClauseListIsKeptVerbatim() {
        ParsedAlter parsed =
                parse("ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX idx_status (status)");
        assertThat(parsed).isEqualTo(expected(
                "ADD COLUMN status TINYINT NOT NULL DEFAULT 1, ADD INDEX idx_status (status)",
                Map.of(), List.of(), List.of("status"), List.of(), List.of(), false,
                OptionalLong.empty(), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ALTER TABLE users ADD COLUMN c INT",
        "ALTER TABLE users ADD COLUMN c INT;",
        "alter table `users` ADD COLUMN c INT ; \n\n",
        "  ALTER TABLE users\n\tADD COLUMN c INT\n",
        "-- add c\nALTER TABLE users ADD COLUMN c INT; -- done",
        "ADD COLUMN c INT;",
        "\n  ADD COLUMN c INT  ;  ",
    })
    void statementPrefixSemicolonAndSurroundingWhitespaceAreRemoved(String alterText) {
        assertThat(parse(alterText).clauseList()).isEqualTo("ADD COLUMN c INT");
    }

    @Test
    void fullStatementTableNameIsUnquotedBeforeComparing() {
        assertThat(AlterParser.parse("my `odd` table",
                "ALTER TABLE `my ``odd`` table` DROP COLUMN c").droppedColumns())
                .containsExactly("c");
    }

    @Test
    void commentsBetweenClausesAreKeptAndCommentsAroundThemDropped() {
        assertThat(parse("/* why */ ADD c INT, -- the old one\n  DROP d # gone\n").clauseList())
                .isEqualTo("ADD c INT, -- the old one\n  DROP d");
    }

    @Test
    void commentBetweenTableNameAndClausesIsDropped() {
        assertThat(parse("ALTER TABLE users /* note */ DROP d").clauseList()).isEqualTo("DROP d");
    }

    // --- columns ---

    @Test
    void addDropAndModifyColumns() {
        ParsedAlter parsed = parse("ADD COLUMN a INT, ADD b TEXT, DROP COLUMN c, DROP d,"
                + " MODIFY COLUMN e BIGINT NOT NULL, MODIFY f VARCHAR(20)");
        assertThat(parsed).isEqualTo(expected(parsed.clauseList(), Map.of(),
                List.of("c", "d"), List.of("a", "b"), List.of("e", "f"), List.of(), false,
                OptionalLong.empty(), false));
    }

    @Test
    void changeWithANewNameIsARenameAndAModification() {
        ParsedAlter parsed = parse("CHANGE COLUMN old_name new_name BIGINT NOT NULL");
        assertThat(parsed).isEqualTo(expected(
                "CHANGE COLUMN old_name new_name BIGINT NOT NULL", Map.of("old_name", "new_name"),
                List.of(), List.of(), List.of("new_name"), List.of(), false,
                OptionalLong.empty(), false));
    }

    @Test
    void changeThatOnlyAltersLetterCaseIsNotARename() {
        ParsedAlter parsed = parse("CHANGE a A INT");
        assertThat(parsed.columnRenames()).isEmpty();
        assertThat(parsed.modifiedColumns()).containsExactly("A");
    }

    @Test
    void renameColumn() {
        ParsedAlter parsed = parse("RENAME COLUMN a TO b, RENAME COLUMN c TO C");
        assertThat(parsed.columnRenames()).isEqualTo(Map.of("a", "b"));
        assertThat(parsed.modifiedColumns()).isEmpty();
    }

    @Test
    void renameIndexAndKeyAreAllowed() {
        assertPlain(parse("RENAME INDEX i1 TO i2, RENAME KEY k1 TO k2"),
                "RENAME INDEX i1 TO i2, RENAME KEY k1 TO k2");
    }

    @Test
    void columnSetsCompareCaseInsensitively() {
        ParsedAlter parsed = parse("DROP COLUMN Id, ADD NAME INT, MODIFY Email TEXT, CHANGE a b INT");
        assertThat(parsed.droppedColumns()).contains("id", "ID");
        assertThat(parsed.addedColumns()).contains("name");
        assertThat(parsed.modifiedColumns()).contains("EMAIL", "B");
        assertThat(parsed.columnRenames()).containsEntry("A", "b");
    }

    @Test
    void reorderingWithAfterAndFirst() {
        ParsedAlter parsed = parse("ADD c INT AFTER a, MODIFY b INT FIRST, CHANGE d e INT AFTER c");
        assertThat(parsed).isEqualTo(expected(
                "ADD c INT AFTER a, MODIFY b INT FIRST, CHANGE d e INT AFTER c", Map.of("d", "e"),
                List.of(), List.of("c"), List.of("b", "e"), List.of(), false,
                OptionalLong.empty(), false));
    }

    @Test
    void quotedNamesAreUnquoted() {
        ParsedAlter parsed = parse("ADD `first name` VARCHAR(50), DROP `we``ird`,"
                + " CHANGE `old col` `new col` INT");
        assertThat(parsed.addedColumns()).containsExactly("first name");
        assertThat(parsed.droppedColumns()).containsExactly("we`ird");
        assertThat(parsed.columnRenames()).isEqualTo(Map.of("old col", "new col"));
    }

    @Test
    void keywordsThatAreNotReservedWorkAsColumnNames() {
        assertThat(parse("ADD status INT, ADD `order` INT, DROP comment").addedColumns())
                .containsExactly("order", "status");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ADD COLUMN g INT AS (a + 1) VIRTUAL",
        "ADD COLUMN g INT GENERATED ALWAYS AS (a * 2) STORED NOT NULL",
        "ADD COLUMN g VARCHAR(10) AS (CONCAT(a, '-', b))",
        "ADD COLUMN g ENUM('new', 'paid', 'it''s') NOT NULL DEFAULT 'new'",
        "ADD COLUMN g SET('r', 'w', 'x')",
        "ADD COLUMN g JSON",
        "ADD COLUMN g DECIMAL(65,30) UNSIGNED",
        "ADD COLUMN g BIT(8) DEFAULT b'0'",
        "ADD COLUMN g BINARY(16)",
        "ADD COLUMN g VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin",
        "ADD COLUMN g TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)",
        "ADD COLUMN g INT DEFAULT (rand() * 10) INVISIBLE",
        "ADD COLUMN g DOUBLE COMMENT 'the \"g\" value'",
        "ADD COLUMN g POINT NOT NULL SRID 4326",
    })
    void columnTypes(String alterText) {
        ParsedAlter parsed = parse(alterText);
        assertThat(parsed).isEqualTo(expected(alterText, Map.of(), List.of(),
                List.of("g"), List.of(), List.of(), false, OptionalLong.empty(), false));
    }

    @Test
    void addSeveralColumnsInParentheses() {
        assertThat(parse("ADD (a INT, b TEXT)").addedColumns()).containsExactly("a", "b");
    }

    // --- the gh-ost mistake: words in names, strings and comments are not clauses ---

    @ParameterizedTest
    @ValueSource(strings = {
        "ADD COLUMN rename_count INT",
        "ADD COLUMN c INT COMMENT 'rename to x'",
        "ADD COLUMN c INT -- rename to x\n",
        "ADD COLUMN c INT /* RENAME TO x */",
        "ADD COLUMN c INT # rename as x\n",
        "ADD COLUMN `rename to x` INT",
        "ADD COLUMN c INT COMMENT '/*! DROP COLUMN id */'",
        "ADD COLUMN c INT COMMENT 'a; DROP TABLE users'",
    })
    void wordsInsideNamesStringsAndCommentsAreNotClauses(String alterText) {
        ParsedAlter parsed = parse(alterText);
        assertThat(parsed.columnRenames()).isEmpty();
        assertThat(parsed.droppedColumns()).isEmpty();
        assertThat(parsed.addedColumns()).hasSize(1);
    }

    @Test
    void escapedBackslashInAStringIsFineUnderEverySqlMode() {
        assertThat(parse("ADD c INT COMMENT 'C:\\\\data'").clauseList())
                .isEqualTo("ADD c INT COMMENT 'C:\\\\data'");
    }

    // --- indexes and keys ---

    @Test
    void plainFulltextAndSpatialIndexesAreNotUniqueKeys() {
        assertPlain(parse("ADD INDEX i (a), ADD KEY k (b(10)), ADD FULLTEXT INDEX f (c),"
                + " ADD FULLTEXT d_ft (d), ADD SPATIAL INDEX s (p), DROP INDEX old_i, DROP KEY old_k"),
                "ADD INDEX i (a), ADD KEY k (b(10)), ADD FULLTEXT INDEX f (c),"
                        + " ADD FULLTEXT d_ft (d), ADD SPATIAL INDEX s (p), DROP INDEX old_i,"
                        + " DROP KEY old_k");
    }

    @Test
    void addUniqueKeys() {
        ParsedAlter parsed = parse("ADD UNIQUE INDEX uk_email (email), ADD UNIQUE (a, b),"
                + " ADD CONSTRAINT c_name UNIQUE KEY (name(20)), ADD UNIQUE ((lower(code)))");
        assertThat(parsed.addsUniqueKey()).isTrue();
        assertThat(parsed.changesPrimaryKey()).isFalse();
        assertThat(parsed.addedUniqueKeys()).containsExactly(
                new UniqueKeyDefinition(Optional.of("uk_email"), List.of("email"), false),
                new UniqueKeyDefinition(Optional.empty(), List.of("a", "b"), false),
                new UniqueKeyDefinition(Optional.of("c_name"), List.of("name"), false),
                new UniqueKeyDefinition(Optional.empty(), List.of("(lower(code))"), false));
    }

    @Test
    void uniqueKeysDeclaredOnColumns() {
        ParsedAlter parsed = parse("ADD email VARCHAR(100) UNIQUE, MODIFY code INT UNIQUE KEY,"
                + " ADD id2 SERIAL, ADD n BIGINT SERIAL DEFAULT VALUE");
        assertThat(parsed.addedUniqueKeys()).containsExactly(
                new UniqueKeyDefinition(Optional.empty(), List.of("email"), false),
                new UniqueKeyDefinition(Optional.empty(), List.of("code"), false),
                new UniqueKeyDefinition(Optional.empty(), List.of("id2"), false),
                new UniqueKeyDefinition(Optional.empty(), List.of("n"), false));
    }

    @Test
    void dropAndAddPrimaryKey() {
        ParsedAlter parsed = parse("DROP PRIMARY KEY, ADD PRIMARY KEY(a,b)");
        assertThat(parsed).isEqualTo(expected("DROP PRIMARY KEY, ADD PRIMARY KEY(a,b)",
                Map.of(), List.of(), List.of(), List.of(),
                List.of(new UniqueKeyDefinition(Optional.of("PRIMARY"), List.of("a", "b"), true)),
                true, OptionalLong.empty(), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DROP PRIMARY KEY", "DROP INDEX `PRIMARY`", "DROP KEY `primary`"})
    void droppingThePrimaryKeyChangesIt(String alterText) {
        ParsedAlter parsed = parse(alterText);
        assertThat(parsed.changesPrimaryKey()).isTrue();
        assertThat(parsed.addsUniqueKey()).isFalse();
    }

    @Test
    void primaryKeyDeclaredOnAColumnChangesIt() {
        ParsedAlter parsed = parse("CHANGE id uid BIGINT NOT NULL PRIMARY KEY");
        assertThat(parsed.changesPrimaryKey()).isTrue();
        assertThat(parsed.addedUniqueKeys()).containsExactly(
                new UniqueKeyDefinition(Optional.of("PRIMARY"), List.of("uid"), true));
    }

    @Test
    void keysInsideParenthesisedAdd() {
        ParsedAlter parsed = parse("ADD (a INT NOT NULL, b INT, UNIQUE KEY uk_ab (a, b))");
        assertThat(parsed.addedColumns()).containsExactly("a", "b");
        assertThat(parsed.addedUniqueKeys()).containsExactly(
                new UniqueKeyDefinition(Optional.of("uk_ab"), List.of("a", "b"), false));
    }

    @Test
    void indexNamesDoNotCountAsColumns() {
        ParsedAlter parsed = parse("ADD INDEX `rename` (a), DROP INDEX `drop`");
        assertThat(parsed.addedColumns()).isEmpty();
        assertThat(parsed.droppedColumns()).isEmpty();
    }

    // --- table options and other clauses ---

    @Test
    void tableOptionsAndRebuild() {
        ParsedAlter parsed = parse("ENGINE=InnoDB, FORCE, AUTO_INCREMENT=1000,"
                + " CONVERT TO CHARACTER SET utf8mb4, DEFAULT CHARSET=latin1");
        assertThat(parsed).isEqualTo(expected("ENGINE=InnoDB, FORCE, AUTO_INCREMENT=1000,"
                + " CONVERT TO CHARACTER SET utf8mb4, DEFAULT CHARSET=latin1", Map.of(),
                List.of(), List.of(), List.of(), List.of(), false, OptionalLong.of(1000), false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "AUTO_INCREMENT=5|5",
        "ENGINE=InnoDB AUTO_INCREMENT 7|7",
        "AUTO_INCREMENT=1, AUTO_INCREMENT=9|9",
        "AUTO_INCREMENT=9223372036854775807|9223372036854775807",
    })
    void explicitAutoIncrement(String alterText, long value) {
        assertThat(parse(alterText).explicitAutoIncrement()).hasValue(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ENGINE=InnoDB",
        "FORCE",
        "ROW_FORMAT=DYNAMIC",
        "COMMENT='orders of the shop'",
        "CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci",
        "ALTER COLUMN status SET DEFAULT 2",
        "ALTER status DROP DEFAULT",
        "ALTER COLUMN `user` SET INVISIBLE",
        "ALTER INDEX i INVISIBLE",
        "ADD CONSTRAINT chk_qty CHECK (qty >= 0)",
        "DROP CHECK chk_qty",
        "ORDER BY created_at",
        "PARTITION BY HASH(id) PARTITIONS 4",
        "REMOVE PARTITIONING",
        "ENGINE=InnoDB, ENCRYPTION='Y'",
    })
    void otherClausesPassThrough(String alterText) {
        assertPlain(parse(alterText), alterText);
    }

    @Test
    void foreignKeysAreReportedWhenAllowed() {
        ParsedAlter parsed = AlterParser.parse("users",
                "ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id), DROP FOREIGN KEY old",
                true);
        assertThat(parsed.addsForeignKey()).isTrue();
        assertThat(parsed.addsUniqueKey()).isFalse();
    }

    @Test
    void foreignKeysAreNotReportedWithoutOne() {
        assertThat(AlterParser.parse("users", "ADD c INT", true).addsForeignKey()).isFalse();
    }
}
