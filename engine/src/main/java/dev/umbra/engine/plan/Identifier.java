package dev.umbra.engine.plan;

/**
 * A schema or table name as Umbra accepts it: what the server accepts (1 to 64 characters of
 * Unicode's Basic Multilingual Plane), without white space, control characters or the characters
 * that delimit URL parts and driver parameters ({@code / ? # & ; , @ % \ : = ' "} and the backtick).
 * Umbra quotes every identifier it sends and never puts a name in a URL, so the server's own rule
 * would be safe; the narrower one refuses, with a clear reason, the values that only ever come from
 * a mistake or an attempt to reach the driver's settings, at the price of names no schema in
 * practice has.
 */
public final class Identifier {

    public static final int MAX_LENGTH = 64;
    private static final String DELIMITERS = "/?#&;,@%\\:='\"`";

    private Identifier() {
    }

    /**
     * @param what the field it came from, named in the error ({@code spec.table}, {@code --database})
     * @throws IllegalArgumentException naming the field, the value and what is accepted
     */
    public static String check(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " is required.");
        }
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            throw refused(name, what, "it is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw refused(name, what, "it holds a control character");
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw refused(name, what, "it holds white space");
            }
            if (DELIMITERS.indexOf(c) >= 0) {
                throw refused(name, what, "it holds '" + c + "', which Umbra refuses in names (letters, digits, '_', '$', '-'"
                        + " and '.' are fine)");
            }
            if (Character.isSurrogate(c)) {
                throw refused(name, what, "it holds a character outside Unicode's Basic Multilingual Plane");
            }
        }
        return name;
    }

    private static IllegalArgumentException refused(String name, String what, String why) {
        return new IllegalArgumentException(what + " " + HostName.shown(name) + " is not a valid schema or table name: "
                + why + ".");
    }
}
