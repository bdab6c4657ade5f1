package dev.umbra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Replicas for lag and topology tests: attached to a primary, they see its writes. */
class ReplicaTest {

    @EveryFlavor
    void replicaFollowsThePrimary(TestDatabase db) throws Exception {
        try (DatabaseServer replica = db.server().startReplica()) {
            assertReplicates(db, replica);
        }
    }

    static Stream<Named<TestDatabase>> mysqlWithoutGtid() {
        return Flavor.selected().stream()
                .filter(flavor -> !flavor.isMariaDb())
                .map(flavor -> Named.of(flavor.id(), new TestDatabase(flavor, ServerOptions.withoutGtid())));
    }

    // Zero invocations when only MariaDB is selected: GTID is not optional there.
    @ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
    @MethodSource("mysqlWithoutGtid")
    void mysqlRunsWithoutGtidAndReplicatesByFileAndPosition(TestDatabase db) throws Exception {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@global.gtid_mode")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo("OFF");
        }
        try (DatabaseServer replica = db.server().startReplica()) {
            assertReplicates(db, replica);
        }
    }

    private static void assertReplicates(TestDatabase db, DatabaseServer replica) throws Exception {
        db.execute("CREATE TABLE marker (id INT PRIMARY KEY, note VARCHAR(20))",
                "INSERT INTO marker VALUES (1, 'from primary')");
        String seen = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (seen == null && System.nanoTime() < deadline) {
            seen = readMarker(replica, db.schema());
            Thread.sleep(50);
        }
        assertThat(seen).isEqualTo("from primary");
        try (Connection connection = replica.connect(db.schema()); Statement statement = connection.createStatement();
             ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
            assertThat(status.next()).isTrue();
            assertThat(status.getString("Master_Port")).isEqualTo(Integer.toString(db.port()));
            assertThat(status.getString("Slave_SQL_Running")).isEqualTo("Yes");
        }
    }

    private static String readMarker(DatabaseServer replica, String schema) {
        try (Connection connection = replica.connect(""); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT note FROM `" + schema + "`.marker WHERE id = 1")) {
            return row.next() ? row.getString(1) : null;
        } catch (SQLException notYetReplicated) {
            return null;
        }
    }
}
