package dev.umbra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/** Proves the harness: each flavor starts, logs rows, and streams exactly our row events. */
class ServerSmokeTest {

    @EveryFlavor
    void serverIsConfiguredForOnlineSchemaChanges(TestDatabase db) throws Exception {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@version, @@log_bin, @@binlog_format, @@binlog_row_image,"
                     + " @@event_scheduler, CURRENT_USER(), DATABASE()")) {
            row.next();
            String expectedVersion = switch (db.flavor()) {
                case MARIADB_11_4 -> "11.4.5-MariaDB";
                case MYSQL_8_0 -> "8.0.15";
                case MYSQL_5_7 -> "5.7.22";
            };
            assertThat(row.getString(1)).startsWith(expectedVersion);
            assertThat(row.getInt(2)).isEqualTo(1);
            assertThat(row.getString(3)).isEqualTo("ROW");
            assertThat(row.getString(4)).isEqualTo("FULL");
            assertThat(row.getString(5)).isEqualTo("ON");
            assertThat(row.getString(6)).isEqualTo(DatabaseServer.USER + "@%");
            assertThat(row.getString(7)).isEqualTo(db.schema());
        }
    }

    @EveryFlavor
    void rowEventsOfOurWritesArriveThroughTheBinlog(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        // Empty the authentication cache, so MySQL 8's caching_sha2_password takes the full
        // (RSA) path for both the JDBC session and the binlog client, as on a fresh server.
        db.server().executeAsRoot("FLUSH PRIVILEGES");

        List<String> changes = new CopyOnWriteArrayList<>();
        Map<Long, String> tables = new ConcurrentHashMap<>();
        BinaryLogClient client = new BinaryLogClient(db.host(), db.port(), db.user(), db.password());
        client.setServerId(ThreadLocalRandom.current().nextLong(100_000, 200_000));
        EventDeserializer deserializer = new EventDeserializer();
        deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG,
                EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
        client.setEventDeserializer(deserializer);
        client.registerEventListener(event -> {
            EventData data = event.getData();
            if (data instanceof TableMapEventData map) {
                tables.put(map.getTableId(), map.getDatabase() + "." + map.getTable());
            } else if (data instanceof WriteRowsEventData write && isPeople(tables.get(write.getTableId()), db)) {
                write.getRows().forEach(row -> changes.add("insert " + render(row)));
            } else if (data instanceof UpdateRowsEventData update && isPeople(tables.get(update.getTableId()), db)) {
                update.getRows().forEach(row -> changes.add("update " + render(row.getKey()) + " -> " + render(row.getValue())));
            } else if (data instanceof DeleteRowsEventData delete && isPeople(tables.get(delete.getTableId()), db)) {
                delete.getRows().forEach(row -> changes.add("delete " + render(row)));
            }
        });
        client.connect(10_000);
        try {
            db.execute(
                    "INSERT INTO people VALUES (1, 'alice'), (2, 'bob')",
                    "UPDATE people SET name = 'carol' WHERE id = 1",
                    "DELETE FROM people WHERE id = 2");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (changes.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // anything extra would show up now
            assertThat(changes).containsExactly(
                    "insert [1, alice]",
                    "insert [2, bob]",
                    "update [1, alice] -> [1, carol]",
                    "delete [2, bob]");
        } finally {
            client.disconnect();
        }
    }

    private static boolean isPeople(String table, TestDatabase db) {
        return (db.schema() + ".people").equals(table);
    }

    private static String render(Serializable[] row) {
        List<String> values = new ArrayList<>();
        for (Serializable value : row) {
            values.add(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value));
        }
        return values.stream().collect(Collectors.joining(", ", "[", "]"));
    }

}
