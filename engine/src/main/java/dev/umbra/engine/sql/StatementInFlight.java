package dev.umbra.engine.sql;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Marks when a session's statement was sent and when its answer came, for the
 * {@link SilentSessionWatch} of the {@link Connections} that opened the session. Public only
 * because the driver creates it by class name (its {@code queryInterceptors} property); it
 * never changes a statement or a result.
 */
public final class StatementInFlight implements QueryInterceptor {

    private MysqlConnection connection;
    private SilentSessionWatch watch;
    /** When the statement now waiting for its answer was sent ({@link System#nanoTime()}); 0: none is. */
    private volatile long sentAtNanos;

    @Override
    public QueryInterceptor init(MysqlConnection conn, Properties props, Log log) {
        this.connection = conn;
        this.watch = SilentSessionWatch.forSessionBeingOpened();
        if (watch != null) {
            watch.add(this);
        }
        return this;
    }

    @Override
    public <T extends Resultset> T preProcess(Supplier<String> sql, Query interceptedQuery) {
        sentAtNanos = nonZero(System.nanoTime());
        return null;
    }

    @Override
    public <T extends Resultset> T postProcess(Supplier<String> sql, Query interceptedQuery, T originalResultSet,
                                               ServerSession serverSession) {
        // The driver calls this after an answer and after an error alike.
        sentAtNanos = 0;
        return originalResultSet;
    }

    @Override
    public boolean executeTopLevelOnly() {
        return true;
    }

    @Override
    public void destroy() {
        if (watch != null) {
            watch.remove(this);
        }
    }

    /** When the statement now waiting was sent, or 0 if none is. */
    long sentAtNanos() {
        return sentAtNanos;
    }

    /** The session's id on the server ({@code CONNECTION_ID()}). */
    long serverSessionId() {
        return connection.getSession().getThreadId();
    }

    boolean isClosed() {
        return connection.getSession().isClosed();
    }

    /** Closes the session's socket at once: a statement blocked on it fails with a connection error. */
    void abort() {
        try {
            ((Connection) connection).abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // the session is gone either way
        }
    }

    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }
}
