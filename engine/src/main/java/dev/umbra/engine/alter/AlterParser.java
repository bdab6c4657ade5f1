package dev.umbra.engine.alter;

import io.debezium.antlr.mysql.SqlMode;
import io.debezium.ddl.parser.mysql.generated.MySqlParser;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.AlterTableContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.QueriesContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.QualifiedIdentifierContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.SimpleStatementContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.TableRefContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Checks the user's ALTER text with a real MySQL grammar and extracts what the engine must know.
 *
 * <p>The clause list is the only user text Umbra ever puts into SQL (as {@code ALTER TABLE
 * <ghost> <clause list>}), so it is validated by the ANTLR MySQL grammar that Debezium ships,
 * never by regular expressions: a regex cannot tell a column named {@code rename_count} or a
 * comment saying "rename to" from a real {@code RENAME TO}, which is exactly how gh-ost once
 * mistook such text for a table rename.
 *
 * <p>Two forms are accepted: a bare clause list ({@code ADD COLUMN c INT, ADD INDEX i (c)}) and a
 * full {@code ALTER TABLE name ...} statement whose table name equals the migration's table
 * (case-sensitively, after unquoting). Everything that would make the ghost ALTER unsafe or
 * meaningless for an online copy is refused with an {@link InvalidAlterException} that says what
 * to change.
 *
 * <p>The grammar is MySQL 8.4's; MariaDB-only syntax (for example {@code ADD COLUMN IF NOT
 * EXISTS}) does not parse and is refused. Syntax newer than the connected server knows is not
 * caught here: the server rejects it when the ghost table is altered, before any row is copied.
 *
 * <p>Assumes the ghost ALTER is run on a connection without the {@code ANSI_QUOTES} sql_mode, in
 * which double-quoted text would be a name rather than a string (text whose clause boundaries
 * would differ is refused either way).
 */
public final class AlterParser {

    /** The server version the grammar's version-dependent rules are evaluated for (MySQL 8.4). */
    static final int GRAMMAR_SERVER_VERSION = 80400;

    /** Put in front of a bare clause list so the grammar sees a whole statement. */
    private static final String CLAUSE_PREFIX = "ALTER TABLE `umbra_clause_list` ";

    private AlterParser() {}

    /**
     * Builds the grammar's tables on a daemon thread: the first parse in a JVM takes about 0.4 s of
     * a core (ANTLR's prediction tables), later ones milliseconds. Started when a process starts, it
     * overlaps with loading the rest and logging in to the server, instead of adding to the time a
     * command line run takes to inspect. Parsing is thread-safe; a parse that begins meanwhile only
     * shares the work.
     */
    public static void warmUpInBackground() {
        Thread warmUp = new Thread(() -> parse("umbra_warm_up", "ADD COLUMN c INT"),
                "umbra-alter-grammar-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * Parses alter text for {@code table}, refusing foreign keys (Umbra does not migrate them).
     *
     * @param table the migration's table, unquoted
     * @param alterText a clause list, or a full {@code ALTER TABLE table ...} statement
     * @throws InvalidAlterException if the text is not one safe ALTER TABLE for this table
     */
    public static ParsedAlter parse(String table, String alterText) {
        return parse(table, alterText, false);
    }

    /**
     * Parses alter text for {@code table}.
     *
     * @param allowForeignKeys whether foreign key clauses are let through (and reported by {@link
     *     ParsedAlter#addsForeignKey()}) instead of refused; only for a caller that handles them
     * @throws InvalidAlterException if the text is not one safe ALTER TABLE for this table
     */
    public static ParsedAlter parse(String table, String alterText, boolean allowForeignKeys) {
        Objects.requireNonNull(table, "table");
        if (alterText == null || alterText.isBlank()) {
            throw new InvalidAlterException("The alter text is empty. Give the changes to make to"
                    + " table " + table + ", e.g. ADD COLUMN status TINYINT NOT NULL DEFAULT 1.");
        }
        List<Token> tokens = AlterLexicalCheck.check(alterText);
        if (tokens.stream().allMatch(t -> t.getType() == Token.EOF
                || t.getChannel() != Token.DEFAULT_CHANNEL)) {
            throw new InvalidAlterException("The alter text holds only comments. Give the changes"
                    + " to make to table " + table + ", e.g. ADD COLUMN c INT.");
        }

        SourceText statementSource = new SourceText(alterText, "");
        Attempt statement = attempt(statementSource);
        if (statement.alterTable() != null) {
            return analyze(table, statementSource, statement.alterTable(), false, allowForeignKeys);
        }
        SourceText clauseSource = new SourceText(alterText, CLAUSE_PREFIX);
        Attempt clauses = attempt(clauseSource);
        if (clauses.alterTable() != null) {
            return analyze(table, clauseSource, clauses.alterTable(), true, allowForeignKeys);
        }
        if (statement.error() == null) {
            throw new InvalidAlterException("The alter text is " + describeStatement(tokens)
                    + " statement, not an ALTER TABLE change. Give only the changes for table "
                    + table + " (e.g. ADD COLUMN c INT), or ALTER TABLE " + table + " followed by"
                    + " them.");
        }
        // Report the error of whichever reading got further into the text: a bare clause list
        // fails at once when read as a statement, and the other way round.
        SyntaxError error = clauses.error() == null
                        || statement.error().userOffset() >= clauses.error().userOffset()
                ? statement.error()
                : clauses.error();
        throw new InvalidAlterException("The alter text is not valid MySQL ALTER TABLE syntax at "
                + error.position() + ": " + error.message() + ". Fix the text there. (Umbra"
                + " checks it against the MySQL 8.4 grammar; MariaDB-only syntax such as ADD"
                + " COLUMN IF NOT EXISTS is not accepted.)");
    }

    private static ParsedAlter analyze(String table, SourceText source, AlterTableContext alter,
            boolean clauseForm, boolean allowForeignKeys) {
        TableRefContext tableRef = alter.tableRef();
        if (clauseForm) {
            if (!source.inPrefix(tableRef.getStop().getStopIndex())) {
                // The user's text continued Umbra's prefixed table name (".x ADD ..."): not a
                // clause list.
                throw new InvalidAlterException("The alter text does not start with an ALTER"
                        + " clause (at " + source.position(tableRef.getStop().getStartIndex())
                        + "). Start it with a clause such as ADD, DROP, MODIFY or CHANGE.");
            }
        } else {
            checkTable(table, source, tableRef);
        }
        if (alter.alterTableActions() == null) {
            throw new InvalidAlterException("The alter text names table " + table + " but no"
                    + " change to it. Add the clauses to run, e.g. ADD COLUMN c INT.");
        }
        return new ClauseAnalyzer(source, allowForeignKeys).analyze(alter.alterTableActions());
    }

    private static void checkTable(String table, SourceText source, TableRefContext tableRef) {
        QualifiedIdentifierContext name = tableRef.qualifiedIdentifier();
        if (name == null || name.dotIdentifier() != null) {
            throw new InvalidAlterException("The alter text names the table with a database ("
                    + source.excerpt(tableRef) + "). Leave the database out: Umbra alters the"
                    + " table in the migration's own database.");
        }
        String written = SqlIdentifiers.name(name.identifier());
        if (!written.equals(table)) {
            throw new InvalidAlterException("The alter text alters table " + written + ", but"
                    + " this migration is for table " + table + " (names are compared"
                    + " case-sensitively). Name the migration's table, or give only the clauses"
                    + " without ALTER TABLE.");
        }
    }

    /** One reading of the text: the ALTER TABLE it holds, or why it is not one. */
    private record Attempt(AlterTableContext alterTable, SyntaxError error) {}

    /** The first syntax error of a reading; parsing stops there. */
    private record SyntaxError(int userOffset, String position, String message) {}

    private static final class StopAtFirstError extends RuntimeException {
        private final transient SyntaxError error;

        StopAtFirstError(SyntaxError error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    /**
     * Parses {@code source} as statements. A valid parse that is not a single ALTER TABLE has
     * neither an ALTER TABLE nor an error.
     */
    private static Attempt attempt(SourceText source) {
        CommonTokenStream tokens = new CommonTokenStream(
                AlterLexicalCheck.lexer(source.parsedText(), EnumSet.noneOf(SqlMode.class)));
        MySqlParser parser = new MySqlParser(tokens);
        parser.serverVersion = GRAMMAR_SERVER_VERSION;
        parser.sqlModes = EnumSet.noneOf(SqlMode.class);
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                    int charPositionInLine, String msg, RecognitionException e) {
                int index = offendingSymbol instanceof Token token
                        ? token.getType() == Token.EOF
                                ? source.parsedText().length()
                                : token.getStartIndex()
                        : source.parsedText().length();
                throw new StopAtFirstError(new SyntaxError(index - source.prefixLength(),
                        source.position(index), shorten(msg)));
            }
        });
        QueriesContext queries;
        try {
            queries = parser.queries();
        } catch (StopAtFirstError stop) {
            return new Attempt(null, stop.error);
        }
        if (queries.query().size() == 1) {
            SimpleStatementContext statement = queries.query(0).simpleStatement();
            if (statement != null && statement.alterStatement() != null
                    && statement.alterStatement().alterTable() != null) {
                return new Attempt(statement.alterStatement().alterTable(), null);
            }
        }
        return new Attempt(null, null);
    }

    /** ANTLR lists every expected token; hundreds of them help nobody, and EOF is jargon. */
    private static String shorten(String message) {
        message = message.replace("'<EOF>'", "the end of the text");
        int expecting = message.indexOf(" expecting {");
        if (expecting >= 0 && message.length() > 160) {
            return message.substring(0, expecting);
        }
        return message;
    }

    /** "a DROP TABLE", "an ALTER VIEW": the first two words of the statement. */
    private static String describeStatement(List<Token> tokens) {
        List<String> words = new ArrayList<>();
        for (Token token : tokens) {
            if (token.getChannel() == Token.DEFAULT_CHANNEL && token.getType() != Token.EOF
                    && words.size() < 2) {
                words.add(token.getText().toUpperCase(Locale.ROOT));
            }
        }
        String kind = String.join(" ", words);
        return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
    }
}
