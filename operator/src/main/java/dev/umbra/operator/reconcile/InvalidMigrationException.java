package dev.umbra.operator.reconcile;

/**
 * A SchemaMigration that cannot start as written: it ends in Failed with {@link #reason()} (the
 * Ready condition's reason and the Event's) and the message, which says what to fix. Never carries a
 * secret value.
 */
public class InvalidMigrationException extends Exception {

    private final String reason;

    public InvalidMigrationException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
