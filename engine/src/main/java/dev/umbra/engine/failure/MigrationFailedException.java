package dev.umbra.engine.failure;

/**
 * A migration that had started could not finish. The original table is untouched and serving,
 * and the helper tables were removed.
 */
public class MigrationFailedException extends Exception {

    public MigrationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public MigrationFailedException(String message) {
        super(message);
    }
}
