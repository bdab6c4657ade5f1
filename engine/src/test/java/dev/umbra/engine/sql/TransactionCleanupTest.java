package dev.umbra.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A unit of work whose session is killed fails with the reason the session went, not with the
 * clean-up's "connection closed" that a rollback or autocommit reset in a finally block used to
 * throw over it; on a dedicated and on a pooled session.
 */
class TransactionCleanupTest {

    @EveryFlavor
    void aKilledSessionsFailureIsTheLostConnectionNotTheCleanUps(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        try (Connections connections = new Connections(new ConnectionSettings(db.host(), db.port(), db.user(), db.password()),
                db.schema())) {
            for (Connection session : new Connection[] {connections.open(), connections.borrow()}) {
                SQLException failure = catchThrowableOfType(SQLException.class, () -> unitOfWorkKilledMidway(db, session));

                assertThat((Throwable) failure).as("the unit's failure").isNotNull();
                assertThat(TransientErrors.isConnectionLoss(failure)).as("%s", failure).isTrue();
                assertThat(failure.getMessage()).doesNotContainIgnoringCase("closed");
                assertThat(failure.getSuppressed()).as("the rollback that failed too is kept, not thrown").isNotEmpty();
                connections.discard(session);
            }
        }
    }

    private static void unitOfWorkKilledMidway(TestDatabase db, Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO t VALUES (1)");
            db.server().executeAsRoot("KILL " + connectionId(connection));
            statement.executeUpdate("INSERT INTO t VALUES (2)");
            connection.commit();
        } catch (SQLException e) {
            TransactionCleanup.rollback(connection, e);
            throw e;
        } finally {
            TransactionCleanup.restoreAutoCommit(connection, true);
        }
    }

    private static long connectionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT CONNECTION_ID()")) {
            row.next();
            return row.getLong(1);
        }
    }
}
