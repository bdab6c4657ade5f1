package dev.umbra.operator.testing;

import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A transaction holding the middle row of a table ({@code FOR UPDATE}): a copy's locking read stops
 * there, so the copy stays half-way for as long as a test needs, however fast the machine. (Ids
 * may have gaps: the middle is found by position.) Closing it lets the copy go on.
 */
public final class MiddleRowLock implements AutoCloseable {

    private final Connection session;

    private MiddleRowLock(Connection session) {
        this.session = session;
    }

    public static MiddleRowLock hold(TestDatabase db, String table, int rows) throws SQLException {
        Connection session = db.connect();
        try (Statement statement = session.createStatement()) {
            long middleId;
            try (ResultSet middle = statement.executeQuery("SELECT id FROM `" + table + "` ORDER BY id LIMIT 1 OFFSET " + rows / 2)) {
                middle.next();
                middleId = middle.getLong(1);
            }
            session.setAutoCommit(false);
            statement.executeQuery("SELECT id FROM `" + table + "` WHERE id = " + middleId + " FOR UPDATE").close();
            return new MiddleRowLock(session);
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Rolls the transaction back: the copy goes on. */
    @Override
    public void close() throws SQLException {
        try {
            session.rollback();
        } finally {
            session.close();
        }
    }
}
