package dev.umbra.engine.failure;

/**
 * Why a migration ended without its new table, for programs: the operator maps each kind to a
 * condition reason, a person reads the message that comes with it.
 */
public enum FailureKind {
    /** Inspection refused the migration; nothing was created. */
    REFUSED,
    /** Another run holds the table's migration lock; this one may start once it ends. */
    TABLE_IN_USE,
    /** The server could not be reached or the login was refused; nothing was looked at. */
    SERVER_UNREACHABLE,
    /** An approved plan no longer holds: the table changed after the approval. */
    PLAN_CHANGED,
    /** Rows meet on a unique key the ALTER adds: the data has real duplicates. */
    DUPLICATE_KEY,
    /** The checksum found rows that differ between the tables, even after copying them again. */
    CHECKSUM_MISMATCH,
    /** The binlog stream was lost and could not be resumed (the server or its binlogs changed). */
    BINLOG_LOST,
    /** Applying binlog changes to the new table failed. */
    APPLY_FAILED,
    /** The table is no longer this run's: its lock, its server or its helper tables were lost. */
    OWNERSHIP_LOST,
    /** Every cut-over attempt failed; the original table is serving. */
    CUT_OVER_FAILED,
    /** A two-step cut-over left the original under its old-table name; a person must put it back. */
    ORIGINAL_RENAMED,
    /** Anything else: a server error or an unexpected one, named in the message. */
    OTHER
}
