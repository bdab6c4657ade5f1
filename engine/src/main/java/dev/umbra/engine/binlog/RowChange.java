package dev.umbra.engine.binlog;

import java.io.Serializable;

/**
 * One row changed in one of the tables the stream follows, as its binlog row image has it:
 * {@code before} for updates and deletes, {@code after} for inserts and updates.
 */
public record RowChange(Kind kind, String table, Serializable[] before, Serializable[] after) {

    public enum Kind { INSERT, UPDATE, DELETE }

    /** Roughly what the change holds on the heap: enough to bound memory by, not to account it. */
    public long estimatedBytes() {
        return 48 + imageBytes(before) + imageBytes(after);
    }

    private static long imageBytes(Serializable[] image) {
        if (image == null) {
            return 0;
        }
        long bytes = 16 + 8L * image.length;
        for (Serializable value : image) {
            if (value instanceof byte[] raw) {
                bytes += 16 + raw.length;
            } else if (value instanceof String text) {
                bytes += 40 + text.length();
            } else if (value != null) {
                bytes += 32;
            }
        }
        return bytes;
    }
}
