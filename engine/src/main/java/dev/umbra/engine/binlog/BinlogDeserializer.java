package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.CompatibilityMode;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The one binlog deserializer configuration Umbra uses, so that every row image has the value
 * shapes {@link RowImageConverter} expects:
 * <ul>
 *   <li>DATE, TIME and DATETIME decoded from the stored bytes exactly ({@link ExactTemporal}): negative
 *       times, dates with zero parts and every date before the Gregorian reform as the server has them;</li>
 *   <li>{@code DATE_AND_TIME_AS_LONG_MICRO}: TIMESTAMP values as plain {@code long} microseconds since
 *       the epoch in UTC, instead of {@code java.util.Date} objects, whose meaning depends on the
 *       JVM's default zone and which drop microseconds;</li>
 *   <li>{@code INVALID_DATE_AND_TIME_AS_MIN_VALUE}: a zero date becomes {@link Long#MIN_VALUE},
 *       which no real value can be (the default, {@code null}, would be confused with SQL NULL,
 *       and 0 with 1970-01-01);</li>
 *   <li>{@code CHAR_AND_BINARY_AS_BYTE_ARRAY}: CHAR/VARCHAR values as the raw bytes in the
 *       column's character set; the default decodes them as UTF-8 whatever the charset is, which
 *       corrupts latin1 and other single-byte data.</li>
 * </ul>
 */
public final class BinlogDeserializer {

    private static final List<EventType> ROWS_EVENTS = List.of(EventType.WRITE_ROWS, EventType.EXT_WRITE_ROWS,
            EventType.UPDATE_ROWS, EventType.EXT_UPDATE_ROWS, EventType.DELETE_ROWS, EventType.EXT_DELETE_ROWS);

    private BinlogDeserializer() {
    }

    /** Decodes every rows event. */
    public static EventDeserializer create() {
        return create(tableId -> true);
    }

    /**
     * Decodes the rows events of the followed table ids only; the others come through as
     * {@link FollowedTablesOnly.SkippedRowsEventData}.
     */
    public static EventDeserializer create(LongPredicate followedTableIds) {
        // The library's defaults, except that rows events decode DATE, TIME and DATETIME exactly. The
        // rows deserializers look up each event's table in the map that the deserializer fills from
        // TABLE_MAP events, so the deserializer is built around a map they share.
        EventDeserializer defaults = new EventDeserializer();
        Map<EventType, EventDataDeserializer> byType = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            byType.put(type, defaults.getEventDataDeserializer(type));
        }
        Map<Long, TableMapEventData> tables = new HashMap<>();
        byType.put(EventType.WRITE_ROWS, new ExactTemporalRows.Write(tables));
        byType.put(EventType.UPDATE_ROWS, new ExactTemporalRows.Update(tables));
        byType.put(EventType.DELETE_ROWS, new ExactTemporalRows.Delete(tables));
        byType.put(EventType.EXT_WRITE_ROWS, new ExactTemporalRows.Write(tables).setMayContainExtraInformation(true));
        byType.put(EventType.EXT_UPDATE_ROWS, new ExactTemporalRows.Update(tables).setMayContainExtraInformation(true));
        byType.put(EventType.EXT_DELETE_ROWS, new ExactTemporalRows.Delete(tables).setMayContainExtraInformation(true));
        EventDeserializer deserializer = new EventDeserializer(new EventHeaderV4Deserializer(), new NullEventDataDeserializer(),
                byType, tables);
        deserializer.setCompatibilityMode(
                CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
                CompatibilityMode.INVALID_DATE_AND_TIME_AS_MIN_VALUE,
                CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
        for (EventType type : ROWS_EVENTS) {
            // the library's own rows deserializers, configured above, do the decoding
            deserializer.setEventDataDeserializer(type,
                    new FollowedTablesOnly(deserializer.getEventDataDeserializer(type), followedTableIds));
        }
        return deserializer;
    }
}
