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
    void aSharedLockThatNeedNotWaitIsOfferedInEachServersOwnSyntaxWhereItExists() {
        assertThat(ServerInfo.parse("8.0.15", "MySQL Community Server - GPL").sharedLockThatNeedNotWait())
                .contains("FOR SHARE");
        assertThat(ServerInfo.parse("11.4.5-MariaDB", "MariaDB Server").sharedLockThatNeedNotWait())
                .contains("LOCK IN SHARE MODE");
        assertThat(ServerInfo.parse("10.6.20-MariaDB", "MariaDB Server").sharedLockThatNeedNotWait())
                .contains("LOCK IN SHARE MODE");
        assertThat(ServerInfo.parse("10.5.27-MariaDB", "MariaDB Server").sharedLockThatNeedNotWait())
                .as("NOWAIT but no SKIP LOCKED").isEmpty();
        assertThat(ServerInfo.parse("5.7.22-log", "MySQL Community Server (GPL)").sharedLockThatNeedNotWait()).isEmpty();
    }

    /**
     * The clause the server's version promises is accepted: with NOWAIT it fails at once on a
     * locked row, with SKIP LOCKED it passes the row by; where none is promised (MySQL 5.7), the
     * server indeed refuses NOWAIT.
     */
    @EveryFlavor
    void theOfferedClauseFailsAtOnceOnALockedRowInsteadOfWaiting(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
        db.execute("INSERT INTO t VALUES (1), (2), (3)");
        try (Connection holder = db.connect(); Connection reader = db.connect()) {
            ServerInfo server = ServerInfo.read(reader);
            if (server.sharedLockThatNeedNotWait().isEmpty()) {
                try (Statement read = reader.createStatement()) {
                    assertThatThrownBy(() -> read.executeQuery("SELECT COUNT(*) FROM t FOR SHARE NOWAIT"))
                            .isInstanceOf(SQLException.class).hasMessageContaining("syntax");
                }
                return;
            }
            String clause = server.sharedLockThatNeedNotWait().get();
            holder.setAutoCommit(false);
            try (Statement hold = holder.createStatement()) {
                hold.execute("UPDATE t SET id = 20 WHERE id = 2");
            }
            reader.setAutoCommit(false);
            long started = System.nanoTime();
            SQLException refused = null;
            try (Statement read = reader.createStatement()) {
                read.executeQuery("SELECT COUNT(*) FROM t WHERE id BETWEEN 1 AND 3 " + clause + " NOWAIT").close();
            } catch (SQLException e) {
                refused = e;
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat((Throwable) refused).as("the read of a locked row fails").isNotNull();
            assertThat(TransientErrors.isLockContention(refused)).as(refused.getMessage()).isTrue();
            assertThat(tookMillis).as("it did not wait for innodb_lock_wait_timeout").isLessThan(1_000);
            try (Statement read = reader.createStatement();
                 java.sql.ResultSet unlocked = read.executeQuery("SELECT COUNT(*) FROM t WHERE id BETWEEN 1 AND 3 " + clause
                         + " SKIP LOCKED")) {
                unlocked.next();
                assertThat(unlocked.getInt(1)).as("rows 1 and 3; row 2 is locked").isEqualTo(2);
            }
            reader.rollback();
            holder.rollback();
        }
    }
}
