package dev.umbra.engine.sql;


/**
 * The server Umbra reconnected to is read-only: most likely it is no longer the primary (a
 * failover happened, or it came back as a replica). Never retried.
 */
public final class ServerReadOnlyException extends UnsafeToContinueException {

    public ServerReadOnlyException(String server) {
        super("the server " + server + " is read-only: is it still the primary? Umbra writes only to the primary;"
                + " point the migration at the current primary and run it again");
    }
}
