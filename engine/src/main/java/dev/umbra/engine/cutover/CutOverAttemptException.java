package dev.umbra.engine.cutover;

/** One cut-over attempt failed; the original table is intact and serving. */
public class CutOverAttemptException extends Exception {

    public CutOverAttemptException(String message, Throwable cause) {
        super(message, cause);
    }

    public CutOverAttemptException(String message) {
        super(message);
    }
}
