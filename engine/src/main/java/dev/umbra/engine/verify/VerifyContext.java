package dev.umbra.engine.verify;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.logging.Diagnostics;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.unique.ConflictResolver;
import dev.umbra.engine.unique.HeldRows;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the checksum before cut-over works with.
 *
 * @param server      what the server can do (whether its locking reads can refuse to wait)
 * @param ghostKeyIndex the ghost's unique key led by the migration key's columns (see {@link #ghostIndexHint()})
 * @param cascadingParents the parents of the original's cascading foreign keys: locked for reading
 *                    with the original wherever the original is, because MySQL 5.7 cascades a
 *                    parent's change into a table another session holds under LOCK TABLES (measured)
 * @param lockTimeout the longest a lock the checksum takes on the original (its rows, or the
 *                    table for reading) may block writers (the cut-over lock timeout); a longer
 *                    wait gives that try up, and another follows
 * @param chunkSize   rows per compared chunk
 * @param expectedRows about how many rows the original has (for the progress: "chunk 3 of about 12")
 * @param diagnostics where a chunk's key values go (they are data): the log, if the user asked
 */
public record VerifyContext(ServerInfo server, TableName table, String ghost, Optional<String> ghostKeyIndex,
                            ColumnMapping mapping, Changelog changelog,
                            Connections connections, ApplyLoop applyLoop, ConflictResolver conflicts, HeldRows held,
                            Set<String> cascadingParents, Duration lockTimeout, int chunkSize, long expectedRows, Diagnostics diagnostics) {

    public String schema() {
        return table.schema();
    }

    /** The original table's name. */
    public String original() {
        return table.name();
    }

    /**
     * The index hint for a range read of the ghost: MariaDB's statistics of the ghost lag far behind
     * its growth during the copy, and without the hint it read the whole ghost for one range.
     */
    String ghostIndexHint() {
        return ghostKeyIndex.map(index -> " FORCE INDEX (" + Sql.quote(index) + ")").orElse("");
    }

    /** {@code LOCK TABLES} for reading the original, with its cascading parents (see {@code cascadingParents}). */
    String lockForReading() {
        return lockTables("READ");
    }

    /**
     * The same tables locked for writing: unlike a read lock, a write lock that is waited for holds
     * back new writers (and readers) until it is granted, so a stream of short write transactions
     * cannot keep it out for ever.
     */
    String lockForWriting() {
        return lockTables("WRITE");
    }

    private String lockTables(String mode) {
        return "LOCK TABLES " + Sql.qualified(table) + " " + mode + cascadingParents.stream().sorted()
                .map(parent -> ", " + Sql.qualified(table.sibling(parent)) + " " + mode).collect(Collectors.joining());
    }
}
