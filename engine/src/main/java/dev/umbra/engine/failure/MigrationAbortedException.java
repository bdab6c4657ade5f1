package dev.umbra.engine.failure;

/** Someone aborted the migration; the original table is untouched and the helpers are gone. */
public class MigrationAbortedException extends Exception {

    public MigrationAbortedException(String message) {
        super(message);
    }
}
