package dev.umbra.engine.alter;

import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * The text handed to the grammar, and how its positions map back to the user's alter text.
 *
 * <p>A bare clause list is parsed behind a fixed {@code ALTER TABLE} prefix of Umbra's own, so
 * every position the grammar reports is shifted by the prefix length. Messages must point at the
 * user's text, and the clause list that is later spliced into SQL must be cut from it exactly;
 * this class is the one place that does that arithmetic.
 */
final class SourceText {

    private static final int EXCERPT_LIMIT = 60;

    private final String userText;
    private final String prefix;
    private final String parsedText;

    SourceText(String userText, String prefix) {
        this.userText = userText;
        this.prefix = prefix;
        this.parsedText = prefix + userText;
    }

    /** The text the grammar reads: Umbra's prefix, if any, followed by the user's text. */
    String parsedText() {
        return parsedText;
    }

    int prefixLength() {
        return prefix.length();
    }

    /** Whether a parsed-text position lies inside Umbra's own prefix rather than the user's text. */
    boolean inPrefix(int parsedIndex) {
        return parsedIndex < prefix.length();
    }

    /** The user's text from the first character of {@code first} to the last of {@code last}. */
    String userSlice(Token first, Token last) {
        return userText.substring(
                toUser(first.getStartIndex()), toUser(last.getStopIndex()) + 1);
    }

    /** The user's text that a grammar rule matched, verbatim. */
    String userSlice(ParserRuleContext ctx) {
        return userSlice(ctx.getStart(), ctx.getStop());
    }

    /** A short one-line quote of what a rule matched, for messages. */
    String excerpt(ParserRuleContext ctx) {
        String oneLine = userSlice(ctx).replaceAll("\\s+", " ").trim();
        return oneLine.length() <= EXCERPT_LIMIT
                ? oneLine
                : oneLine.substring(0, EXCERPT_LIMIT) + " ...";
    }

    /** "line L, column C" (both from 1) of a parsed-text position, in the user's text. */
    String position(int parsedIndex) {
        int offset = Math.min(toUser(parsedIndex), userText.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (userText.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (offset - lineStart + 1);
    }

    private int toUser(int parsedIndex) {
        return Math.max(0, parsedIndex - prefix.length());
    }
}
