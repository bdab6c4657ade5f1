package dev.umbra.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.TableName;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

class MigrationLockTest {

    /**
     * The server is what frees the lock of a run whose node is lost, and of a lock session whose
     * KILL the server lost (MySQL 8.0 and 5.7 under load, seen in the suite): either way the
     * session ends only at its {@code wait_timeout}. Until then the run that lost it cannot open a
     * session, so that wait must leave most of its reconnect budget.
     */
    @EveryFlavor
    void theLockSessionEndsOnTheServerWellWithinTheReconnectBudgetOnceItsClientStopsTalking(TestDatabase db) throws Exception {
        try (Connection session = db.connect()) {
            assertThat(MigrationLock.tryAcquire(session, new TableName(db.schema(), "items"), Duration.ZERO)).isTrue();

            try (Statement statement = session.createStatement();
                 ResultSet row = statement.executeQuery("SELECT @@SESSION.wait_timeout")) {
                row.next();
                Duration serverKeepsItSilent = Duration.ofSeconds(row.getLong(1));
                assertThat(serverKeepsItSilent).isEqualTo(MigrationLock.SESSION_IDLE_LIMIT);
                assertThat(serverKeepsItSilent.multipliedBy(4))
                        .isLessThanOrEqualTo(MigrationOptions.defaults().reconnectTimeout());
            }
        }
    }
}
