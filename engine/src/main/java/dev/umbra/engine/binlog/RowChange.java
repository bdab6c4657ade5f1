package dev.umbra.engine.binlog;

import java.io.Serializable;

/**
 * One row changed in one of the tables the stream follows, as its binlog row image has it:
 * {@code before} for updates and deletes, {@code after} for inserts and updates.
 */
public record RowChange(Kind kind, String table, Serializable[] before, Serializable[] after) {

    public enum Kind { INSERT, UPDATE, DELETE }
}
