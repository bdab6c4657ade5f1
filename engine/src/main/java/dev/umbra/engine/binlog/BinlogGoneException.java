package dev.umbra.engine.binlog;

import dev.umbra.engine.sql.UnsafeToContinueException;

/** The binary log the stream would resume from is no longer on the server: purged, or never there. */
public final class BinlogGoneException extends UnsafeToContinueException {

    public BinlogGoneException(BinlogPosition from, String reason) {
        super("the binlog stream cannot resume from " + from + ": " + reason);
    }
}
