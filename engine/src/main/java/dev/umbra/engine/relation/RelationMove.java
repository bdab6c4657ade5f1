package dev.umbra.engine.relation;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Moves something that belongs to a table, and is named uniquely in its schema (triggers, foreign
 * keys), to another table under the same names: each must leave the source before it can be
 * created on the target. {@link #undo} puts back what was moved if the swap it belongs to fails.
 */
public interface RelationMove {

    boolean isEmpty();

    /** Removes every one from the source, through the session that holds the source's write lock, if any. */
    void detach(Connection fromSession) throws SQLException;

    /** Creates every detached one on the target. */
    void attach(Connection toSession) throws SQLException;

    /** Removes from the target what {@link #attach} created, then creates on the source again what {@link #detach} removed. */
    void undo(Connection fromSession, Connection toSession) throws SQLException;

    /** Whether the source lacks some that {@link #undo} has not put back. */
    boolean sourceIsMissingSome();

    /** Names them for messages, e.g. {@code `a` (BEFORE INSERT), `b` (AFTER DELETE)}. */
    String describe();

    /** The mysql-client script that creates them on the source again, for a person to run. */
    String sourceStatements();
}
