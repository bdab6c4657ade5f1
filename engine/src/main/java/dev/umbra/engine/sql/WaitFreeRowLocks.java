package dev.umbra.engine.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a statement whose locking read of the application's table must never wait inside the
 * server.
 *
 * <p>A locking read that waits for a row while it holds the rows it has read so far can close a
 * deadlock with an application's transaction that holds that row and then asks for one of them.
 * InnoDB then rolls back the lighter transaction: the application's, because Umbra's has locked
 * (and, for a copy, written) many rows. The application sees "Deadlock found" on Umbra's account.
 * A read that refuses to wait ({@code NOWAIT}) is never part of such a cycle. When it fails on a
 * busy row, the rows that are free are locked first ({@code SKIP LOCKED}), so no new change
 * enters the range; the transactions in flight commit one by one, and the statement is tried
 * again without waiting until it gets every row. Meanwhile an application's transaction that
 * asks for a row locked here waits for it, never longer than {@code patience}: after that the
 * caller rolls back and the application goes on.
 *
 * <p>Only servers whose locking reads can refuse to wait run this (see
 * {@link ServerInfo#sharedLockThatNeedNotWait()}); MySQL 5.7 has no {@code NOWAIT}.
 */
public final class WaitFreeRowLocks {

    /** Waits between tries: short, because the transactions in flight usually commit within milliseconds. */
    private static final long LONGEST_PAUSE_MILLIS = 20;

    private WaitFreeRowLocks() {
    }

    /**
     * Runs {@code statement} (its locking read ends in {@code NOWAIT}) in the session's open
     * transaction; if a row is locked by another transaction, runs {@code lockFreeRows} (the same
     * range read with {@code SKIP LOCKED}) and tries the statement again until it succeeds or
     * {@code patience} has passed.
     *
     * @return the statement's result, or empty if some row stayed locked: the transaction still
     *         holds the free rows, and the caller must roll it back to let writers go on
     */
    public static <T> Optional<T> run(TransientErrors.Work<T> statement, TransientErrors.Work<?> lockFreeRows,
                                      Duration patience) throws SQLException, InterruptedException {
        Optional<T> first = tryOnce(statement);
        if (first.isPresent()) {
            return first;
        }
        lockFreeRows.run();
        long deadline = System.nanoTime() + patience.toNanos();
        for (int attempt = 1; System.nanoTime() - deadline < 0; attempt++) {
            Thread.sleep(Math.min(LONGEST_PAUSE_MILLIS, attempt));
            Optional<T> done = tryOnce(statement);
            if (done.isPresent()) {
                return done;
            }
        }
        return Optional.empty();
    }

    /**
     * The error for rows that stayed locked through every try: it counts as a lock wait that timed
     * out ({@link TransientErrors#isLockContention}), so the work is retried as such.
     */
    public static SQLException rowsStayedLocked(String what, Duration howLong) {
        return new SQLException(what + ": rows stayed locked by other transactions for " + howLong.toMillis()
                + " ms; Umbra does not wait for row locks inside the server, so that no application transaction"
                + " becomes a deadlock's victim on its account", "HY000", TransientErrors.ER_LOCK_WAIT_TIMEOUT);
    }

    /** Sets a statement's parameters. */
    @FunctionalInterface
    public interface Parameters {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /**
     * Locks every row that {@code lockingRead} (a {@code SELECT} ending in the server's shared
     * locking clause, without {@code NOWAIT}) selects, in the session's open transaction, as
     * {@link #run} does: true once every row is locked; false if some row stayed locked by another
     * transaction for {@code patience} (the caller rolls back). In REPEATABLE READ the gaps between
     * the rows are locked too, so no insert enters the range meanwhile.
     */
    public static boolean lockEveryRow(Connection connection, String lockingRead, Parameters parameters, Duration patience)
            throws SQLException, InterruptedException {
        try (PreparedStatement allRows = connection.prepareStatement(lockingRead + " NOWAIT");
             PreparedStatement freeRows = connection.prepareStatement(lockingRead + " SKIP LOCKED")) {
            parameters.bind(allRows);
            parameters.bind(freeRows);
            return run(readingEveryRow(allRows), readingEveryRow(freeRows), patience).isPresent();
        }
    }

    private static TransientErrors.Work<Integer> readingEveryRow(PreparedStatement query) {
        return () -> {
            int rows = 0;
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows++;
                }
            }
            return rows;
        };
    }

    /** The result, or empty if the statement found a row locked (only the statement is rolled back then). */
    private static <T> Optional<T> tryOnce(TransientErrors.Work<T> statement) throws SQLException, InterruptedException {
        try {
            return Optional.of(statement.run());
        } catch (SQLException e) {
            if (TransientErrors.isLockNotGranted(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
