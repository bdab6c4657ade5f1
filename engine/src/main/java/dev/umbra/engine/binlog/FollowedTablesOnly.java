package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.function.LongPredicate;

/**
 * Decodes a rows event only if its table is followed, and skips the others after reading their
 * table id. Most of the binlog a migration reads is its own: every row the copy writes to the
 * ghost table comes back as a rows event, and decoding those into row images cost as much CPU as
 * the copy itself on a two-core machine, for events that are thrown away.
 *
 * <p>Whether a table id is followed is known before its rows arrive: the binlog sends a table's
 * map event ahead of its rows events in every transaction, and the stream's listener sees each
 * event before the next one is decoded.
 */
final class FollowedTablesOnly implements EventDataDeserializer<EventData> {

    /** The rows event post-header starts with a 6-byte little-endian table id (binlog v4). */
    private static final int TABLE_ID_BYTES = 6;

    private final EventDataDeserializer<?> rows;
    private final LongPredicate followed;

    FollowedTablesOnly(EventDataDeserializer<?> rows, LongPredicate followed) {
        this.rows = rows;
        this.followed = followed;
    }

    @Override
    public EventData deserialize(ByteArrayInputStream input) throws IOException {
        byte[] tableId = input.read(TABLE_ID_BYTES);
        if (!followed.test(littleEndian(tableId))) {
            return SkippedRowsEventData.INSTANCE; // the event deserializer skips the rest of the event
        }
        byte[] rest = input.read(input.available());
        byte[] whole = new byte[TABLE_ID_BYTES + rest.length];
        System.arraycopy(tableId, 0, whole, 0, TABLE_ID_BYTES);
        System.arraycopy(rest, 0, whole, TABLE_ID_BYTES, rest.length);
        return rows.deserialize(new ByteArrayInputStream(whole));
    }

    private static long littleEndian(byte[] bytes) {
        long value = 0;
        for (int i = bytes.length - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    /** A rows event of a table nobody follows; it carries nothing. */
    static final class SkippedRowsEventData implements EventData {

        static final SkippedRowsEventData INSTANCE = new SkippedRowsEventData();

        private SkippedRowsEventData() {
        }

        @Override
        public String toString() {
            return "SkippedRowsEventData{}";
        }
    }
}
