package dev.umbra.engine.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rows events of tables nobody follows are skipped undecoded, and skipping them never shifts the
 * decoding of the followed table's events around them, in the same transaction included.
 */
class FollowedTablesOnlyTest {

    @EveryFlavor
    void onlyTheFollowedTablesRowsAreDecodedAndTheyComeThroughIntact(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE followed (id INT PRIMARY KEY, name VARCHAR(20))",
                "CREATE TABLE ignored (id BIGINT PRIMARY KEY, payload TEXT, amount DECIMAL(10,2))");
        Map<Long, String> followedIds = new ConcurrentHashMap<>();
        List<EventData> rowsEvents = new CopyOnWriteArrayList<>();
        BinaryLogClient client = new BinaryLogClient(db.host(), db.port(), db.user(), db.password());
        client.setServerId(ThreadLocalRandom.current().nextLong(100_000, 900_000));
        client.setEventDeserializer(BinlogDeserializer.create(followedIds::containsKey));
        client.registerEventListener(event -> {
            EventData data = event.getData();
            if (data instanceof TableMapEventData map) {
                if (map.getDatabase().equals(db.schema()) && map.getTable().equals("followed")) {
                    followedIds.put(map.getTableId(), map.getTable());
                }
            } else if (data instanceof WriteRowsEventData || data instanceof UpdateRowsEventData
                    || data instanceof DeleteRowsEventData || data instanceof FollowedTablesOnly.SkippedRowsEventData) {
                rowsEvents.add(data);
            }
        });
        client.connect(10_000);
        try {
            String longText = "x".repeat(5_000);
            db.execute("START TRANSACTION",
                    "INSERT INTO ignored VALUES (1, '" + longText + "', 1.50), (2, 'b', 2.50)",
                    "INSERT INTO followed VALUES (1, 'one'), (2, 'two')",
                    "UPDATE ignored SET amount = amount + 1",
                    "UPDATE followed SET name = 'uno' WHERE id = 1",
                    "DELETE FROM ignored WHERE id = 2",
                    "DELETE FROM followed WHERE id = 2",
                    "COMMIT");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (decoded(rowsEvents).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            client.disconnect();
        }

        // the ignored table's big row makes the server split its events: at least one each
        assertThat(rowsEvents).filteredOn(FollowedTablesOnly.SkippedRowsEventData.class::isInstance).hasSizeGreaterThanOrEqualTo(3);
        List<EventData> decoded = decoded(rowsEvents);
        assertThat(decoded).hasSize(3);
        WriteRowsEventData insert = (WriteRowsEventData) decoded.get(0);
        assertThat(insert.getRows()).extracting(row -> text(row)).containsExactly("1 one", "2 two");
        UpdateRowsEventData update = (UpdateRowsEventData) decoded.get(1);
        assertThat(update.getRows()).extracting(row -> text(row.getKey()) + " -> " + text(row.getValue()))
                .containsExactly("1 one -> 1 uno");
        DeleteRowsEventData delete = (DeleteRowsEventData) decoded.get(2);
        assertThat(delete.getRows()).extracting(row -> text(row)).containsExactly("2 two");
        assertThat(List.of(insert.getTableId(), update.getTableId(), delete.getTableId())).allMatch(followedIds::containsKey);
    }

    private static List<EventData> decoded(List<EventData> rowsEvents) {
        return rowsEvents.stream().filter(data -> !(data instanceof FollowedTablesOnly.SkippedRowsEventData)).toList();
    }

    private static String text(Serializable[] row) {
        return row[0] + " " + new String((byte[]) row[1], StandardCharsets.UTF_8);
    }
}
