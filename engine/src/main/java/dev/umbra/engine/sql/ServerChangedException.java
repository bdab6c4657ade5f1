package dev.umbra.engine.sql;


/**
 * The migration's address now leads to another server than the one it started on. Never retried:
 * nothing the run knows (binlog positions, helper tables, its lock) holds there.
 */
public final class ServerChangedException extends UnsafeToContinueException {

    public ServerChangedException(String address, ServerIdentity expected, ServerIdentity found) {
        super("the server at " + address + " is not the one this migration started on (it was " + expected
                + "; it is now " + found + "): a failover or a replaced server. The run stops and touches nothing there");
    }
}
