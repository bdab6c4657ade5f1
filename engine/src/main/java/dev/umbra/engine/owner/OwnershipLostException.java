package dev.umbra.engine.owner;

import dev.umbra.engine.sql.UnsafeToContinueException;

/**
 * The run no longer owns its table: its migration lock is held by another session, or its helper
 * tables are gone or are another run's. The run must stop and must not touch any helper table.
 */
public final class OwnershipLostException extends UnsafeToContinueException {

    public OwnershipLostException(String reason) {
        super(reason);
    }
}
