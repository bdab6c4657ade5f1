package dev.umbra.engine.cutover;

import dev.umbra.engine.apply.ApplyLoop;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The atomic cut-over for servers that refuse RENAME under LOCK TABLES (MySQL 5.7, MariaDB).
 *
 * <p>Session L creates a sentry table under the old table's name (with the original's engine),
 * locks the original and the sentry, and waits until every binlog change up to the lock is
 * applied. Session R then issues {@code RENAME original TO old, ghost TO original}, which queues
 * behind L's locks; pending RENAMEs take precedence over pending writes, so when L drops the
 * sentry and unlocks, the swap happens before any blocked writer gets in. If L dies at any point
 * the sentry still exists and R's RENAME fails: the original stays in place.
 *
 * <p>R's statement is found in the processlist by a unique token in its text, never by
 * connection id: behind ProxySQL, {@code CONNECTION_ID()} is not the processlist id (failure
 * mode 4).
 */
public final class TwoSessionCutOver implements CutOver {

    @Override
    public Duration attempt(CutOverContext context) throws CutOverAttemptException, InterruptedException {
        Connection lock = null;
        Connection rename = null;
        Connection control = null;
        CompletableFuture<Void> renaming = null;
        ApplyLoop.TakeOver takeOver = null;
        String token = "umbra-cut-over-" + UUID.randomUUID();
        long lockedAt = 0;
        boolean swapped = false;
        try {
            control = context.connections().open();
            CutOverSql.execute(control, "CREATE TABLE " + context.qualifiedOld() + " (id INT NOT NULL PRIMARY KEY) ENGINE="
                    + engineOf(control, context) + " COMMENT='" + CutOverSql.SENTRY_COMMENT + "'");
            lock = context.connections().open();
            CutOverSql.boundLockWaits(lock, context.lockTimeout());
            CutOverSql.execute(lock, "LOCK TABLES " + context.qualifiedOriginal() + " WRITE, " + context.qualifiedOld() + " WRITE");
            lockedAt = System.nanoTime();
            String marker = "cut-over-" + UUID.randomUUID();
            context.changelog().writeMarker(control, marker);
            if (!context.applyLoop().awaitMarker(marker, context.lockTimeout())) {
                throw new CutOverAttemptException("the binlog changes up to the lock were not all applied within "
                        + context.lockTimeout().toSeconds() + " s");
            }
            // Everything up to the lock is applied; hold the applier so that it cannot apply the
            // new table's first events to the (then renamed) ghost after the swap.
            takeOver = context.applyLoop().takeOver(context.lockTimeout())
                    .orElseThrow(() -> new CutOverAttemptException("the binlog applier did not pause within "
                            + context.lockTimeout().toSeconds() + " s"));
            if (context.carryAutoIncrement()) {
                CutOverSql.carryAutoIncrement(control, context);
            }
            rename = context.connections().open();
            CutOverSql.boundLockWaits(rename, context.lockTimeout().multipliedBy(2));
            Connection renameSession = rename;
            String renameSql = "RENAME /* " + token + " */ TABLE " + context.qualifiedOriginal() + " TO " + context.qualifiedOld()
                    + ", " + context.qualifiedGhost() + " TO " + context.qualifiedOriginal();
            renaming = CompletableFuture.runAsync(() -> {
                try {
                    CutOverSql.execute(renameSession, renameSql);
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            awaitRenameQueued(control, token, renaming, context.lockTimeout());
            CutOverSql.execute(lock, "DROP TABLE " + context.qualifiedOld());
            CutOverSql.execute(lock, "UNLOCK TABLES");
            Duration lockTime = Duration.ofNanos(System.nanoTime() - lockedAt);
            try {
                renaming.get(context.lockTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new CutOverAttemptException("the RENAME did not complete after the lock was released: "
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
            }
            swapped = true;
            takeOver.finishApplying();
            return lockTime;
        } catch (SQLException e) {
            throw new CutOverAttemptException(e.getMessage(), e);
        } finally {
            CutOverSql.closeQuietly(lock); // releases LOCK TABLES if still held; the sentry then fails R's RENAME
            if (!swapped) {
                cancelRename(control, token, renaming);
                dropSentry(control, context);
            }
            CutOverSql.closeQuietly(rename);
            CutOverSql.closeQuietly(control);
            if (takeOver != null) {
                takeOver.close();
            }
        }
    }

    private static String engineOf(Connection control, CutOverContext context) throws SQLException {
        try (PreparedStatement statement = control.prepareStatement(
                "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, context.schema());
            statement.setString(2, context.original());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                String engine = row.getString(1);
                if (!engine.matches("[A-Za-z0-9_]+")) {
                    throw new SQLException("Unexpected storage engine name '" + engine + "'");
                }
                return engine;
            }
        }
    }

    /** Waits until R's RENAME shows in the processlist waiting for a metadata lock. */
    private static void awaitRenameQueued(Connection control, String token, CompletableFuture<Void> renaming, Duration timeout)
            throws SQLException, CutOverAttemptException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (renaming.isDone()) {
                throw new CutOverAttemptException("the RENAME ended before it could queue behind the lock: "
                        + describe(renaming));
            }
            try (PreparedStatement statement = control.prepareStatement(
                    "SELECT STATE FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND INFO NOT LIKE ?")) {
                statement.setString(1, "%" + token + "%");
                statement.setString(2, "%information_schema.PROCESSLIST%");
                try (ResultSet row = statement.executeQuery()) {
                    if (row.next() && String.valueOf(row.getString(1)).toLowerCase().contains("metadata lock")) {
                        return;
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new CutOverAttemptException("the RENAME was not seen waiting behind the lock within " + timeout.toSeconds() + " s");
    }

    private static String describe(CompletableFuture<Void> renaming) {
        try {
            renaming.getNow(null);
            return "it completed";
        } catch (Exception e) {
            return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        }
    }

    /** Kills R's statement by its token (never by a connection id we believe we know). */
    private static void cancelRename(Connection control, String token, CompletableFuture<Void> renaming) {
        if (control == null || renaming == null || renaming.isDone()) {
            return;
        }
        try (PreparedStatement statement = control.prepareStatement(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND INFO NOT LIKE ?")) {
            statement.setString(1, "%" + token + "%");
            statement.setString(2, "%information_schema.PROCESSLIST%");
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    CutOverSql.execute(control, "KILL QUERY " + row.getLong(1));
                }
            }
        } catch (SQLException ignored) {
            // closing R's session below ends the statement too
        }
    }

    private static void dropSentry(Connection control, CutOverContext context) {
        if (control == null) {
            return;
        }
        try {
            if (CutOverSql.isSentry(control, context)) {
                CutOverSql.execute(control, "DROP TABLE " + context.qualifiedOld());
            }
        } catch (SQLException ignored) {
            // a leftover sentry is dropped by the next attempt's cleanup or by abort
        }
    }
}
