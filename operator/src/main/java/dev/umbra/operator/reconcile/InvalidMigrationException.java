package dev.umbra.operator.reconcile;

/**
 * A SchemaMigration that cannot start: it ends in Failed with {@link #reason()} (the Ready
 * condition's reason and the Event's) and the message, which says what to fix; at once for an
 * invalid spec, after {@code spec.setupTimeoutSeconds} for a problem {@link #outsideTheResource()}.
 * Never carries a secret value.
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

    /**
     * Whether the problem lies outside the resource (a Secret or ConfigMap missing, unreadable or
     * incomplete), so that it may be fixed without touching the resource: the migration waits for
     * that. An invalid spec ({@code InvalidSpec}) never fixes itself.
     */
    public boolean outsideTheResource() {
        return !"InvalidSpec".equals(reason);
    }
}
