package dev.umbra.engine.cutover;

/**
 * A two-step cut-over renamed the original away and could put neither the new table nor the
 * original back under its name. Not retried: nothing may be dropped until a person has put the
 * original back, and the message says how.
 */
public final class OriginalRenamedException extends CutOverAttemptException {

    public OriginalRenamedException(String message, Throwable cause) {
        super(message, cause);
    }
}
