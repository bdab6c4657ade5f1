package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;

/**
 * The library's rows deserializers with DATE, TIME and DATETIME cells decoded by {@link ExactTemporal};
 * every other cell as the library decodes it. One subclass per rows event, as the library has.
 */
final class ExactTemporalRows {

    private ExactTemporalRows() {
    }

    /** Whether {@link ExactTemporal} decodes cells of this type (checked per cell, on the hot path). */
    private static boolean exact(ColumnType type) {
        return switch (type) {
            case DATE, TIME, DATETIME, TIME_V2, DATETIME_V2 -> true;
            default -> false;
        };
    }

    static final class Write extends WriteRowsEventDataDeserializer {
        Write(Map<Long, TableMapEventData> tables) {
            super(tables);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
            return exact(type) ? ExactTemporal.read(type, meta, in) : super.deserializeCell(type, meta, length, in);
        }
    }

    static final class Update extends UpdateRowsEventDataDeserializer {
        Update(Map<Long, TableMapEventData> tables) {
            super(tables);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
            return exact(type) ? ExactTemporal.read(type, meta, in) : super.deserializeCell(type, meta, length, in);
        }
    }

    static final class Delete extends DeleteRowsEventDataDeserializer {
        Delete(Map<Long, TableMapEventData> tables) {
            super(tables);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
            return exact(type) ? ExactTemporal.read(type, meta, in) : super.deserializeCell(type, meta, length, in);
        }
    }
}
