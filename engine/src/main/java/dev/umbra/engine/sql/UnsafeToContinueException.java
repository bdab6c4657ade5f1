package dev.umbra.engine.sql;

import java.sql.SQLException;

/**
 * A session found that the run may no longer write where it is connected: the server is
 * read-only, is another server, or the table belongs to another run. Never retried, unlike a lost
 * session: reconnecting cannot change it.
 */
public abstract class UnsafeToContinueException extends SQLException {

    protected UnsafeToContinueException(String reason) {
        super(reason, "HY000");
    }
}
