package dev.umbra.engine.verify;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.sql.TransactionCleanup;
import dev.umbra.engine.sql.TransientErrors;
import dev.umbra.engine.sql.WaitFreeRowLocks;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.unique.RowKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies a mismatched key range again: in one transaction, the ghost's rows in the range are
 * deleted and the original's current rows inserted, read with a locking read as the copy reads
 * them (one that never waits inside the server where it can refuse to). The applier is held
 * meanwhile, so no batch interleaves; the changes it has queued are older than or equal to what
 * was read, and applying them afterwards ends each row in its current state, as after the first
 * copy.
 *
 * <p>If a row collides with a row outside the range on a unique key of the ghost, the range is
 * written row by row instead, and colliding rows are held (see {@code ConflictResolver}); they are
 * settled before the next comparison, which fails the migration if they are real duplicates.
 */
final class ChunkRepair {

    private static final int ER_DUP_ENTRY = 1062;

    private final VerifyContext context;
    private final ColumnMapping mapping;
    private final String qualifiedOriginal;
    private final String qualifiedGhost;

    ChunkRepair(VerifyContext context) {
        this.context = context;
        this.mapping = context.mapping();
        this.qualifiedOriginal = Sql.qualified(context.schema(), context.original());
        this.qualifiedGhost = Sql.qualified(context.schema(), context.ghost());
    }

    void repair(KeyRange range) throws SQLException, InterruptedException {
        ApplyLoop.TakeOver takeOver = context.applyLoop().takeOver(context.lockTimeout().multipliedBy(10))
                .orElseThrow(() -> new SQLException("the binlog applier did not pause to let a chunk be copied again"));
        try (takeOver; Connection connection = context.connections().open()) {
            boolean copied = TransientErrors.retry(() -> copyRange(connection, range));
            if (!copied) {
                context.conflicts().writeOrHold(connection, keys(connection, range));
            }
        }
    }

    /**
     * Replaces the range in one transaction; false (rolled back) if a row collides on a unique key.
     * Where the server's locking reads can refuse to wait, the range's rows and gaps are locked on
     * the original first without ever waiting inside the server (see {@link WaitFreeRowLocks}), so
     * the insert's read finds nothing left to wait for; rows that stay locked for the lock timeout
     * roll it back, as a lock wait that timed out, and the caller tries again.
     */
    private boolean copyRange(Connection connection, KeyRange range) throws SQLException, InterruptedException {
        Optional<String> lockThatNeedNotWait = context.server().sharedLockThatNeedNotWait();
        String fromRange = " FROM " + qualifiedOriginal + " FORCE INDEX (" + Sql.quote(mapping.originalKey().name()) + ")"
                + range.condition(mapping.originalKeyNames()) + " " + lockThatNeedNotWait.orElse("LOCK IN SHARE MODE");
        int isolation = connection.getTransactionIsolation();
        connection.setAutoCommit(false);
        try {
            if (lockThatNeedNotWait.isPresent()) {
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // gap locks keep inserts out
                if (!WaitFreeRowLocks.lockEveryRow(connection, "SELECT " + Sql.columnList(mapping.originalKeyNames()) + fromRange,
                        statement -> range.bind(statement, 1), context.lockTimeout())) {
                    throw WaitFreeRowLocks.rowsStayedLocked("copying a mismatched chunk of `" + context.original() + "` again",
                            context.lockTimeout());
                }
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + qualifiedGhost
                    + range.condition(mapping.ghostKeyNames()))) {
                range.bind(delete, 1);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + qualifiedGhost + " ("
                    + Sql.columnList(mapping.ghostNames()) + ") SELECT " + mapping.selectList() + fromRange)) {
                range.bind(insert, 1);
                insert.executeUpdate();
            }
            connection.commit();
            return true;
        } catch (SQLException e) {
            TransactionCleanup.rollback(connection, e);
            if (e.getErrorCode() == ER_DUP_ENTRY) {
                return false;
            }
            throw e;
        } finally {
            TransactionCleanup.restoreIsolation(connection, isolation);
            TransactionCleanup.restoreAutoCommit(connection, true);
        }
    }

    /** Every key in the range on either side: rows only the ghost has must go too. */
    private List<RowKey> keys(Connection connection, KeyRange range) throws SQLException {
        Map<String, RowKey> keys = new LinkedHashMap<>();
        readKeys(connection, "SELECT " + Sql.columnList(mapping.originalKeyNames()) + " FROM " + qualifiedOriginal
                + range.condition(mapping.originalKeyNames()), range, keys);
        readKeys(connection, "SELECT " + Sql.columnList(mapping.ghostKeyNames()) + " FROM " + qualifiedGhost
                + context.ghostIndexHint() + range.condition(mapping.ghostKeyNames()), range, keys);
        return new ArrayList<>(keys.values());
    }

    private void readKeys(Connection connection, String sql, KeyRange range, Map<String, RowKey> keys) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            range.bind(statement, 1);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    RowKey key = RowKey.plain(KeyValues.read(row, mapping));
                    keys.putIfAbsent(key.text(), key);
                }
            }
        }
    }
}
