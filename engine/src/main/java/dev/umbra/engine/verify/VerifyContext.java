package dev.umbra.engine.verify;

import dev.umbra.engine.logging.Diagnostics;
import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.unique.ConflictResolver;
import dev.umbra.engine.unique.HeldRows;
import java.time.Duration;

/**
 * What the checksum before cut-over works with.
 *
 * @param lockTimeout the longest the original may be locked for reading while a consistent point
 *                    is taken (the cut-over lock timeout); a longer wait gives the attempt up
 * @param attempts    attempts at a consistent point before the verification fails
 * @param chunkSize   rows per compared chunk
 * @param expectedRows about how many rows the original has (for the progress: "chunk 3 of about 12")
 * @param diagnostics where a chunk's key values go (they are data): the log, if the user asked
 */
public record VerifyContext(String schema, String original, String ghost, ColumnMapping mapping, Changelog changelog,
                            Connections connections, ApplyLoop applyLoop, ConflictResolver conflicts, HeldRows held,
                            Duration lockTimeout, int attempts, int chunkSize, long expectedRows, Diagnostics diagnostics) {
}
