package dev.umbra.engine.binlog;

import java.util.List;

/**
 * The row changes of one committed transaction that touch the followed tables, and the position
 * just past its commit: resuming there neither repeats nor skips any of it.
 */
public record BinlogTransaction(List<RowChange> changes, BinlogPosition end) {
}
