package dev.umbra.engine.alter;

import io.debezium.antlr.mysql.SqlMode;
import io.debezium.ddl.parser.mysql.generated.MySqlLexer;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Refuses alter text whose tokens the server might read differently from the grammar.
 *
 * <p>Validating with a grammar only protects Umbra if the server splits the text into the same
 * tokens. Four things break that, and each is refused here, before parsing:
 *
 * <ul>
 *   <li>executable comments ({@code /*! ... *}{@code /}, MariaDB's {@code /*M! ... *}{@code /}):
 *       the server runs what is inside, a parser may treat it as a comment, so they could hide
 *       clauses from every check;
 *   <li>text that tokenizes differently under the {@code NO_BACKSLASH_ESCAPES} or {@code
 *       ANSI_QUOTES} sql_mode (a {@code \'} inside a string): the server's sql_mode is not known
 *       here and could turn the rest of a string into clauses;
 *   <li>control characters other than tab and line breaks, which the server and the grammar do
 *       not agree on as whitespace (for example after {@code --});
 *   <li>an unterminated comment or quote.
 * </ul>
 *
 * It also refuses more than one statement, which is clearer to say from the tokens than from a
 * parse error.
 */
final class AlterLexicalCheck {

    private AlterLexicalCheck() {}

    /**
     * Checks the user's alter text and returns its tokens (on every channel) as the grammar reads
     * them with the default sql_mode.
     */
    static List<Token> check(String alterText) {
        SourceText source = new SourceText(alterText, "");
        refuseControlCharacters(source, alterText);
        List<Token> tokens;
        try {
            tokens = lex(alterText, EnumSet.noneOf(SqlMode.class));
        } catch (LexError error) {
            throw new InvalidAlterException("The alter text cannot be read at " + error.position()
                    + ": " + error.getMessage() + ". Check for an unclosed quote (' \" `) there.");
        }
        for (Token token : tokens) {
            refuseExecutableComment(source, token);
            if (token.getType() == MySqlLexer.INVALID_BLOCK_COMMENT) {
                throw new InvalidAlterException("The alter text has a /* comment at "
                        + source.position(token.getStartIndex())
                        + " that is never closed. Close it with */ or remove it.");
            }
        }
        refuseSqlModeDependentTokens(source, alterText, tokens);
        refuseSeveralStatements(source, tokens);
        return tokens;
    }

    /** Lexes text as the engine's grammar does; also used by the parser. */
    static MySqlLexer lexer(String text, Set<SqlMode> sqlModes) {
        MySqlLexer lexer = new MySqlLexer(CharStreams.fromString(text));
        lexer.serverVersion = AlterParser.GRAMMAR_SERVER_VERSION;
        lexer.sqlModes = EnumSet.noneOf(SqlMode.class);
        lexer.sqlModes.addAll(sqlModes);
        lexer.removeErrorListeners();
        return lexer;
    }

    /** Thrown by {@link #lex} at the first character the lexer cannot read. */
    private static final class LexError extends RuntimeException {
        private final int line;
        private final int column;

        LexError(int line, int column, String message) {
            super(message, null, false, false);
            this.line = line;
            this.column = column;
        }

        String position() {
            return "line " + line + ", column " + column;
        }
    }

    private static List<Token> lex(String text, Set<SqlMode> sqlModes) {
        MySqlLexer lexer = lexer(text, sqlModes);
        lexer.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                    int charPositionInLine, String msg, RecognitionException e) {
                throw new LexError(line, charPositionInLine + 1, msg);
            }
        });
        CommonTokenStream stream = new CommonTokenStream(lexer);
        stream.fill();
        return stream.getTokens();
    }

    private static void refuseControlCharacters(SourceText source, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                throw new InvalidAlterException(String.format(Locale.ROOT,
                        "The alter text contains the control character U+%04X at %s. MySQL and"
                                + " Umbra's grammar may not agree where a comment or token ends"
                                + " around it; remove it (only tabs and line breaks are allowed).",
                        (int) c, source.position(i)));
            }
        }
    }

    private static void refuseExecutableComment(SourceText source, Token token) {
        int type = token.getType();
        String text = token.getText();
        boolean executable = type == MySqlLexer.VERSION_COMMENT_START
                || type == MySqlLexer.MYSQL_COMMENT_START
                || type == MySqlLexer.VERSION_COMMENT_END
                || (type == MySqlLexer.BLOCK_COMMENT
                        && (text.startsWith("/*!") || text.regionMatches(true, 0, "/*M!", 0, 4)));
        if (executable) {
            throw new InvalidAlterException("The alter text contains an executable comment"
                    + " (/*! ... */ or MariaDB's /*M! ... */) at "
                    + source.position(token.getStartIndex())
                    + ". The server runs the text inside such a comment, but a parser treats it"
                    + " as a comment, so it could hide clauses from Umbra's checks. Write those"
                    + " clauses as plain SQL without the comment markers, or remove them.");
        }
    }

    private static void refuseSqlModeDependentTokens(
            SourceText source, String text, List<Token> defaultTokens) {
        List<Set<SqlMode>> otherModes = List.of(
                EnumSet.of(SqlMode.NoBackslashEscapes),
                EnumSet.of(SqlMode.AnsiQuotes),
                EnumSet.of(SqlMode.NoBackslashEscapes, SqlMode.AnsiQuotes));
        for (Set<SqlMode> modes : otherModes) {
            String differsAt = null;
            try {
                List<Token> other = lex(text, modes);
                for (int i = 0; i < defaultTokens.size() && differsAt == null; i++) {
                    Token a = defaultTokens.get(i);
                    Token b = i < other.size() ? other.get(i) : null;
                    if (b == null || a.getStartIndex() != b.getStartIndex()
                            || a.getStopIndex() != b.getStopIndex()
                            || a.getChannel() != b.getChannel()) {
                        differsAt = source.position(a.getStartIndex());
                    }
                }
            } catch (LexError error) {
                differsAt = error.position();
            }
            if (differsAt != null) {
                throw new InvalidAlterException("The alter text has a backslash before a quote"
                        + " inside a quoted string or name (near " + differsAt + "). MySQL"
                        + " reads that differently when the sql_mode includes NO_BACKSLASH_ESCAPES"
                        + " or ANSI_QUOTES, so the server could run other clauses than the ones"
                        + " Umbra checked. Write a quote inside a string by doubling it ('it''s')"
                        + " instead of with a backslash.");
            }
        }
    }

    private static void refuseSeveralStatements(SourceText source, List<Token> tokens) {
        Token semicolon = null;
        for (Token token : tokens) {
            if (token.getChannel() != Token.DEFAULT_CHANNEL || token.getType() == Token.EOF) {
                continue;
            }
            if (semicolon != null && token.getType() != MySqlLexer.SEMICOLON_SYMBOL) {
                throw new InvalidAlterException("The alter text contains more than one statement:"
                        + " the ';' at " + source.position(semicolon.getStartIndex())
                        + " is followed by more SQL. Give the changes for this one table only, as"
                        + " one ALTER clause list, and run any other statement separately.");
            }
            if (token.getType() == MySqlLexer.SEMICOLON_SYMBOL && semicolon == null) {
                semicolon = token;
            }
        }
    }
}
