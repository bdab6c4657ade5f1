package dev.umbra.engine.alter;

/**
 * The alter text given for a migration cannot be run by Umbra.
 *
 * <p>Unchecked because it is a refusal of user input, decided before anything is created on the
 * server: callers report it to the user and stop, they never retry. The message always says what
 * is wrong and what to change, so it can be shown as it is.
 */
public class InvalidAlterException extends RuntimeException {

    /** @param message what is wrong with the alter text and what the user should do about it */
    public InvalidAlterException(String message) {
        super(message);
    }
}
