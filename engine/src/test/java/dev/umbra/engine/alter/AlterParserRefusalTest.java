package dev.umbra.engine.alter;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every refusal must say what is wrong and what to do: these assert the message's key words. */
class AlterParserRefusalTest {

    private static void assertRefused(String alterText, String... keyWords) {
        assertThatThrownBy(() -> AlterParser.parse("users", alterText))
                .isInstanceOf(InvalidAlterException.class)
                .message()
                .contains(keyWords);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t "})
    void refusesEmptyText(String alterText) {
        assertRefused(alterText, "empty", "ADD COLUMN");
    }

    @Test
    void refusesNullText() {
        assertRefused(null, "empty");
    }

    @Test
    void refusesTextThatIsOnlyComments() {
        assertRefused("-- nothing yet\n/* later */", "only comments");
    }

    @Test
    void refusesUnparsableTextWithPositionAndParserMessage() {
        assertRefused("ADD COLUMN status TINYINT NOT NULL DEFAULT,\n  ADD INDEX (status)",
                "not valid MySQL ALTER TABLE syntax", "line 1, column 43", "','");
    }

    @Test
    void positionsAreInTheUsersTextForAFullStatementToo() {
        assertRefused("ALTER TABLE users\nADD COLUMN x INTT", "line 2, column 14", "'INTT'");
    }

    @Test
    void refusesMariaDbOnlySyntaxNamingTheGrammar() {
        assertRefused("ADD COLUMN IF NOT EXISTS c INT", "line 1, column 12", "'IF'",
                "MySQL 8.4 grammar");
    }

    static Stream<Arguments> severalStatements() {
        return Stream.of(
                Arguments.of("ADD c INT; DROP TABLE x", "line 1, column 10"),
                Arguments.of("ALTER TABLE users ADD c INT;\nALTER TABLE users DROP d", "line 1"),
                Arguments.of("ADD c INT;\n-- comment\nSELECT 1;", "line 1, column 10"));
    }

    @ParameterizedTest
    @MethodSource
    void severalStatements(String alterText, String where) {
        assertRefused(alterText, "more than one statement", where, "run any other statement");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ADD COLUMN c INT /*!80000 , DROP COLUMN secret */",
        "ADD COLUMN c INT /*! , DROP COLUMN secret */",
        "ADD COLUMN c INT /*!99999 , DROP COLUMN secret */",
        "ADD COLUMN c INT /*M! , DROP COLUMN secret */",
        "ADD COLUMN c INT /*M!100100 , DROP COLUMN secret */",
        "/*!50001 ALTER TABLE users */ ADD COLUMN c INT",
    })
    void refusesExecutableComments(String alterText) {
        assertRefused(alterText, "executable comment", "/*!", "/*M!", "server runs the text",
                "hide clauses", "without the comment markers");
    }

    @Test
    void refusesABackslashQuoteWhoseMeaningDependsOnSqlMode() {
        // With NO_BACKSLASH_ESCAPES the string ends at \' and the server would drop column id.
        assertRefused("ADD c INT COMMENT 'x\\', DROP COLUMN id -- '",
                "NO_BACKSLASH_ESCAPES", "line 1, column 19", "doubling it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD c INT COMMENT 'it\\'s'", "ADD c INT COMMENT \"say \\\"hi\\\"\""})
    void refusesAnyBackslashQuoteEvenWhenHarmless(String alterText) {
        assertRefused(alterText, "backslash before a quote", "NO_BACKSLASH_ESCAPES",
                "ANSI_QUOTES", "('it''s')");
    }

    @Test
    void anUnexpectedEndIsNamedPlainly() {
        assertRefused("ADD c INT,", "line 1, column 11", "the end of the text");
    }

    @Test
    void refusesControlCharacters() {
        assertRefused("ADD c INT --\u000b, DROP COLUMN id", "control character U+000B",
                "line 1, column 13", "remove it");
    }

    @Test
    void refusesAnUnclosedComment() {
        assertRefused("ADD c INT /* DROP COLUMN id", "never closed", "line 1, column 11");
    }

    @Test
    void refusesAnUnclosedQuote() {
        assertRefused("ADD c INT COMMENT 'abc", "cannot be read", "line 1, column 19",
                "unclosed quote");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RENAME TO x", "RENAME AS x", "RENAME x", "ADD c INT, RENAME TO `x`",
        "ALTER TABLE users RENAME TO users_old"})
    void refusesRenamingTheTable(String alterText) {
        assertRefused(alterText, "renames the table", "RENAME", "Umbra swaps tables itself",
                "remove the RENAME clause");
    }

    @Test
    void renameMessageQuotesTheClause() {
        assertRefused("ADD c INT, RENAME TO x", "(RENAME TO x)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ADD FOREIGN KEY (org_id) REFERENCES orgs (id)",
        "ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE",
        "ADD COLUMN org_id INT REFERENCES orgs (id)",
        "ADD (org_id INT, FOREIGN KEY (org_id) REFERENCES orgs (id))",
    })
    void refusesAddingForeignKeys(String alterText) {
        assertRefused(alterText, "adds a foreign key", "does not add new ones",
                "remove it from the alter text");
    }

    @Test
    void refusesDroppingAForeignKey() {
        assertRefused("DROP FOREIGN KEY fk_org", "drops a foreign key", "DROP FOREIGN KEY fk_org",
                "plain ALTER TABLE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD c INT, ALGORITHM=INPLACE", "ALGORITHM=COPY, ADD c INT",
        "ADD c INT, ALGORITHM INSTANT", "ALGORITHM=DEFAULT"})
    void refusesAlgorithm(String alterText) {
        assertRefused(alterText, "ALGORITHM", "Umbra picks the algorithm itself",
                "remove the ALGORITHM clause");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD c INT, LOCK=NONE", "LOCK = SHARED, ADD c INT",
        "ADD c INT, LOCK EXCLUSIVE", "ADD c INT, ALGORITHM=INPLACE, LOCK=NONE"})
    void refusesLockOrAlgorithmFirstNamed(String alterText) {
        assertRefused(alterText, "remove the", "clause");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD c INT, LOCK=NONE", "LOCK = SHARED, ADD c INT"})
    void refusesLock(String alterText) {
        assertRefused(alterText, "LOCK", "remove the LOCK clause");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DISCARD TABLESPACE", "IMPORT TABLESPACE",
        "ALTER TABLE users DISCARD TABLESPACE"})
    void refusesTablespaceDiscardAndImport(String alterText) {
        assertRefused(alterText, "discards or imports a tablespace", "TABLESPACE",
                "run it directly");
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXCHANGE PARTITION p0 WITH TABLE other", "TRUNCATE PARTITION p0",
        "DROP PARTITION p0", "COALESCE PARTITION 2", "ANALYZE PARTITION ALL"})
    void refusesPartitionMaintenance(String alterText) {
        assertRefused(alterText, "partition maintenance", "PARTITION", "run it directly");
    }

    @Test
    void refusesAnotherTable() {
        assertRefused("ALTER TABLE orders ADD COLUMN c INT", "alters table orders",
                "migration is for table users", "Name the migration's table");
    }

    @Test
    void tableNamesAreComparedCaseSensitively() {
        assertRefused("ALTER TABLE Users ADD COLUMN c INT", "alters table Users",
                "case-sensitively");
    }

    @Test
    void refusesADatabaseQualifiedTable() {
        assertRefused("ALTER TABLE shop.users ADD COLUMN c INT", "with a database",
                "(shop.users)", "Leave the database out");
    }

    @Test
    void refusesAStatementWithoutChanges() {
        assertRefused("ALTER TABLE users", "no change", "ADD COLUMN");
    }

    static Stream<Arguments> otherStatements() {
        return Stream.of(
                Arguments.of("DROP TABLE x", "a DROP TABLE statement"),
                Arguments.of("drop table users;", "a DROP TABLE statement"),
                Arguments.of("CREATE TABLE x (id INT)", "a CREATE TABLE statement"),
                Arguments.of("TRUNCATE TABLE users", "a TRUNCATE TABLE statement"),
                Arguments.of("ALTER VIEW v AS SELECT 1", "an ALTER VIEW statement"),
                Arguments.of("SELECT * FROM users", "a SELECT * statement"));
    }

    @ParameterizedTest
    @MethodSource
    void otherStatements(String alterText, String kind) {
        assertRefused(alterText, kind, "not an ALTER TABLE change", "changes for table users");
    }

    @Test
    void refusesTextThatContinuesTheTableName() {
        assertRefused(".x ADD COLUMN c INT", "does not start with an ALTER clause");
    }

    @Test
    void refusesAFractionalAutoIncrement() {
        assertRefused("AUTO_INCREMENT=1.5", "not a whole number", "AUTO_INCREMENT=1000");
    }
}
