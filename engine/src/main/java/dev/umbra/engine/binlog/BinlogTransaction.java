package dev.umbra.engine.binlog;

import java.util.List;

/**
 * The row changes of one committed transaction that touch the followed tables, and the position
 * just past its commit: resuming there neither repeats nor skips any of it.
 *
 * <p>A transaction too large to hold in memory leaves the stream in pieces, before its commit is
 * read: each piece has no {@code end} (nothing can resume from inside a transaction), and the
 * transaction's last part carries it. The binlog holds only committed transactions, so applying a
 * piece early is safe; if the stream reconnects inside the transaction, it starts again from the
 * last end and hands the pieces over again, and applying the same row images again leaves the same rows.
 *
 * @param end            the position past the commit, or null for a piece
 * @param estimatedBytes roughly what the changes hold on the heap (see {@link RowChange#estimatedBytes})
 */
public record BinlogTransaction(List<RowChange> changes, BinlogPosition end, long estimatedBytes) {

    /** Whether this ends a transaction (false for a piece handed over before the commit). */
    public boolean endsTransaction() {
        return end != null;
    }
}
