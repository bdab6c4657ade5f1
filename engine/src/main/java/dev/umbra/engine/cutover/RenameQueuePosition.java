package dev.umbra.engine.cutover;

import dev.umbra.engine.logging.LogContext;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.LockingSessions;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.sql.TransientErrors;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Confirms, before the locking session lets go, that the queued RENAME waits for the original's own
 * metadata lock and not for one it takes earlier.
 *
 * <p>A RENAME takes its metadata locks one at a time in key order, which for tables of one schema
 * is the byte order of their names. With a lower-case table name, {@code _t_del} and {@code _t_gho}
 * come before {@code t}. If another session holds the ghost (an open transaction that read it, a
 * DBA counting its rows, InnoDB's purge or statistics threads on MariaDB), the RENAME waits there;
 * in the processlist it looks just as queued, but it is not in line for {@code t}. Unlocking then
 * lets the writers waiting for {@code t} commit into the table that is about to become the old one.
 *
 * <p>The servers offer no portable way to read which lock another session waits for (MariaDB's
 * METADATA_LOCK_INFO is a plugin, MySQL 5.7's metadata-lock instrument is off by default), so the
 * check asks for the last name before the original itself, with {@code SHOW CREATE TABLE}. That
 * statement's high-priority shared lock waits for a lock that is granted but jumps pending ones: it
 * waits exactly when the RENAME holds that name, and so every name before it. The probe then stays
 * queued until the RENAME ends, and ends with it.
 */
final class RenameQueuePosition implements AutoCloseable {

    private static final int NO_SUCH_TABLE = 1146;

    private final CutOverContext context;
    private final Connection control;
    private final String name;
    private final String token = "umbra-rename-probe-" + UUID.randomUUID();
    private Connection probe;
    private ExecutorService asker;
    private Future<?> asking;

    private RenameQueuePosition(CutOverContext context, Connection control, String name) {
        this.context = context;
        this.control = control;
        this.name = name;
    }

    /**
     * The check for a RENAME that locks {@code names} besides the original; empty when none of them
     * comes before it, so the RENAME's first table lock is the original's.
     */
    static Optional<RenameQueuePosition> forRename(CutOverContext context, Connection control, List<String> names)
            throws SQLException {
        boolean foldCase = lowerCaseTableNames(control);
        byte[] original = key(context.original(), foldCase);
        return names.stream()
                .filter(other -> Arrays.compareUnsigned(key(other, foldCase), original) < 0)
                .max((a, b) -> Arrays.compareUnsigned(key(a, foldCase), key(b, foldCase)))
                .map(last -> new RenameQueuePosition(context, control, last));
    }

    /** The name the RENAME must hold before it can be in line for the original. */
    String name() {
        return name;
    }

    /**
     * Waits until the RENAME holds {@link #name()}. Throws when the budget runs out first, naming
     * the session that keeps it, or when the RENAME ends meanwhile.
     */
    void awaitHeld(CompletableFuture<Void> renaming, LockBudget budget)
            throws SQLException, CutOverAttemptException, InterruptedException {
        probe = context.connections().open();
        LockingSessions.boundWaits(probe, budget.total().multipliedBy(2));
        asker = Executors.newSingleThreadExecutor(LogContext.capture().threadFactory("umbra-cut-over-probe-" + context.original()));
        while (true) {
            asking = asker.submit(this::ask);
            while (!asking.isDone()) {
                if (CutOverSql.waitingForMetadataLock(control, token)) {
                    return;
                }
                Thread.sleep(2);
            }
            if (askedWhileHeld()) {
                return;
            }
            if (renaming.isDone()) {
                throw new CutOverAttemptException("the RENAME ended before it was in line for the original's lock");
            }
            if (budget.remaining().isZero()) {
                throw new CutOverAttemptException("the RENAME waited for `" + name + "`, not behind the lock on the original,"
                        + " for the whole lock timeout of " + budget.total().toSeconds() + " s; "
                        + LockBlockers.describe(control, new TableName(context.schema(), name), context.diagnostics()).orElse("the session holding it is not visible")
                        + "; writers were not let through");
            }
            Thread.sleep(5);
        }
    }

    private Void ask() throws SQLException {
        try (Statement statement = probe.createStatement()) {
            statement.execute("SHOW /* " + token + " */ CREATE TABLE " + Sql.qualified(context.schema(), name));
        } catch (SQLException e) {
            if (e.getErrorCode() != NO_SUCH_TABLE) {
                throw e;
            }
        }
        return null;
    }

    /** A probe that timed out waiting was kept out by the RENAME's lock as well. */
    private boolean askedWhileHeld() throws SQLException, InterruptedException {
        try {
            asking.get();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException sql && TransientErrors.isLockWaitTimeout(sql)) {
                return true;
            }
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Ends the probe if it still waits (the RENAME was cancelled and may not end it), then its
     * session. Never throws: the attempt's locking session is closed after this.
     */
    @Override
    public void close() {
        if (asking != null && !asking.isDone()) {
            try (Connection killer = context.connections().open()) {
                CutOverSql.killStatement(killer, token);
            } catch (SQLException ignored) {
                // closing its session below ends it as well
            }
        }
        if (asker != null) {
            asker.shutdown();
            try {
                asker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // never throw from here: the cut-over closes its locking session after this
                Thread.currentThread().interrupt();
            }
        }
        CutOverSql.closeQuietly(probe);
    }

    private static boolean lowerCaseTableNames(Connection control) throws SQLException {
        try (Statement statement = control.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@lower_case_table_names")) {
            return row.next() && row.getInt(1) != 0;
        }
    }

    /** A table name as the server orders metadata locks: its UTF-8 bytes, lower-cased where names are. */
    private static byte[] key(String table, boolean foldCase) {
        return (foldCase ? table.toLowerCase(Locale.ROOT) : table).getBytes(StandardCharsets.UTF_8);
    }
}
