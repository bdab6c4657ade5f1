package dev.umbra.engine.failure;

/**
 * A migration that had started could not finish. The original table is untouched and serving,
 * and the helper tables were removed.
 */
public class MigrationFailedException extends Exception {

    private final FailureKind kind;

    public MigrationFailedException(FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public MigrationFailedException(FailureKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Why, for programs. */
    public FailureKind kind() {
        return kind;
    }
}
