package dev.umbra.engine.failure;

/**
 * Inspection refused the migration before anything was changed: the message says what is wrong
 * and what to do. No helper table exists afterwards.
 */
public class MigrationRefusedException extends Exception {

    public MigrationRefusedException(String message) {
        super(message);
    }

    public MigrationRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
