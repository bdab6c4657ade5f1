package dev.umbra.engine.failure;

/**
 * Another run holds the table's migration lock. Not final, unlike other refusals: the other run
 * ends sooner or later (or its lost session is ended by the server), and this one may then start.
 */
public final class TableInUseException extends MigrationRefusedException {

    private final String holder;

    public TableInUseException(String message, String holder) {
        super(message);
        this.holder = holder;
    }

    /** Who holds the lock, as the server names the session. */
    public String holder() {
        return holder;
    }
}
