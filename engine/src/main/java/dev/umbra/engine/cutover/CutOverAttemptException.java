package dev.umbra.engine.cutover;

/** One cut-over attempt failed; the original table is intact and serving. */
public class CutOverAttemptException extends Exception {

    public CutOverAttemptException(String message, Throwable cause) {
        super(message, cause);
    }

    public CutOverAttemptException(String message) {
        super(message);
    }

    /** This failure with {@code addition} appended to its message, if there is one. */
    CutOverAttemptException adding(java.util.Optional<String> addition) {
        if (addition.isEmpty()) {
            return this;
        }
        CutOverAttemptException longer = new CutOverAttemptException(getMessage() + "; " + addition.get(), getCause());
        longer.setStackTrace(getStackTrace());
        return longer;
    }
}
