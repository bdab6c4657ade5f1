package dev.umbra.engine.logging;

import java.util.regex.Pattern;

/**
 * A server's error text without the row values some errors quote ({@code Duplicate entry 'a@b.c'
 * for key ...}, {@code Incorrect integer value: 'x' for column ...}), for messages that reach status
 * and Events: the error stays recognisable, the data does not travel.
 */
public final class ServerMessages {

    private static final Pattern DUPLICATE_ENTRY = Pattern.compile("Duplicate entry '.*?' for key", Pattern.DOTALL);
    private static final Pattern QUOTED_VALUE =
            Pattern.compile("((?:Incorrect|Truncated incorrect|Invalid) [\\w ]*?value): '.*?'( for|$)", Pattern.DOTALL);

    private ServerMessages() {
    }

    public static String withoutValues(String message) {
        if (message == null) {
            return null;
        }
        String text = DUPLICATE_ENTRY.matcher(message).replaceAll("Duplicate entry (value left out) for key");
        return QUOTED_VALUE.matcher(text).replaceAll("$1 (value left out)$2");
    }
}
