package dev.umbra.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** What each server can do, decided from its version once (see {@link ServerInfo}). */
class ServerInfoTest {

    @Test
    void aSharedLockThatDoesNotWaitIsOfferedInEachServersOwnSyntaxWhereItExists() {
        assertThat(ServerInfo.parse("8.0.15", "MySQL Community Server - GPL").sharedLockWithoutWaiting())
                .contains("FOR SHARE NOWAIT");
        assertThat(ServerInfo.parse("11.4.5-MariaDB", "MariaDB Server").sharedLockWithoutWaiting())
                .contains("LOCK IN SHARE MODE NOWAIT");
        assertThat(ServerInfo.parse("10.3.39-MariaDB", "MariaDB Server").sharedLockWithoutWaiting())
                .contains("LOCK IN SHARE MODE NOWAIT");
        assertThat(ServerInfo.parse("10.2.44-MariaDB", "MariaDB Server").sharedLockWithoutWaiting()).isEmpty();
        assertThat(ServerInfo.parse("5.7.22-log", "MySQL Community Server (GPL)").sharedLockWithoutWaiting()).isEmpty();
    }

    /**
     * The clause the server's version promises is accepted, and fails at once on a locked row;
     * where none is promised (MySQL 5.7), the server indeed refuses NOWAIT.
     */
    @EveryFlavor
    void theOfferedClauseFailsAtOnceOnALockedRowInsteadOfWaiting(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
        db.execute("INSERT INTO t VALUES (1), (2), (3)");
        try (Connection holder = db.connect(); Connection reader = db.connect()) {
            ServerInfo server = ServerInfo.read(reader);
            if (server.sharedLockWithoutWaiting().isEmpty()) {
                try (Statement read = reader.createStatement()) {
                    assertThatThrownBy(() -> read.executeQuery("SELECT COUNT(*) FROM t FOR SHARE NOWAIT"))
                            .isInstanceOf(SQLException.class).hasMessageContaining("syntax");
                }
                return;
            }
            String clause = server.sharedLockWithoutWaiting().get();
            holder.setAutoCommit(false);
            try (Statement hold = holder.createStatement()) {
                hold.execute("UPDATE t SET id = 20 WHERE id = 2");
            }
            reader.setAutoCommit(false);
            long started = System.nanoTime();
            SQLException refused = null;
            try (Statement read = reader.createStatement()) {
                read.executeQuery("SELECT COUNT(*) FROM t WHERE id BETWEEN 1 AND 3 " + clause).close();
            } catch (SQLException e) {
                refused = e;
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat((Throwable) refused).as("the read of a locked row fails").isNotNull();
            assertThat(TransientErrors.isLockContention(refused)).as(refused.getMessage()).isTrue();
            assertThat(tookMillis).as("it did not wait for innodb_lock_wait_timeout").isLessThan(1_000);
            reader.rollback();
            holder.rollback();
        }
    }
}
