package dev.umbra.engine.verify;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The row count and CRC aggregate of one key range, on the original or the ghost table:
 * {@code COUNT(*)} and {@code BIT_XOR} of each row's CRC32 (see {@link ComparedColumns}). Equal
 * rows give equal sums whatever order the server reads them in.
 */
final class ChunkChecksum {

    /** One side's sums over a key range. */
    record Sums(long rows, long crc) {
    }

    private final String originalSelect;
    private final String ghostSelect;
    private final ColumnMapping mapping;

    /** The ghost's reads name its key's index ({@link VerifyContext#ghostIndexHint()}), as the original's do. */
    ChunkChecksum(VerifyContext context, ComparedColumns columns) {
        this.mapping = context.mapping();
        this.originalSelect = "SELECT COUNT(*), COALESCE(BIT_XOR(" + columns.originalRowChecksum() + "), 0) FROM "
                + Sql.qualified(context.schema(), context.original()) + " FORCE INDEX ("
                + Sql.quote(mapping.originalKey().name()) + ")";
        this.ghostSelect = "SELECT COUNT(*), COALESCE(BIT_XOR(" + columns.ghostRowChecksum() + "), 0) FROM "
                + Sql.qualified(context.schema(), context.ghost()) + context.ghostIndexHint();
    }

    Sums original(Connection connection, KeyRange range) throws SQLException {
        return sums(connection, originalSelect + range.condition(mapping.originalKeyNames()), range);
    }

    /**
     * The original's sums with a locking read ({@code lockClause}): the range's rows and the gaps
     * between them stay locked until the session's transaction ends (in REPEATABLE READ).
     */
    Sums lockedOriginal(Connection connection, KeyRange range, String lockClause) throws SQLException {
        return sums(connection, originalSelect + range.condition(mapping.originalKeyNames()) + " " + lockClause, range);
    }

    Sums ghost(Connection connection, KeyRange range) throws SQLException {
        return sums(connection, ghostSelect + range.condition(mapping.ghostKeyNames()), range);
    }

    private static Sums sums(Connection connection, String sql, KeyRange range) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            range.bind(statement, 1);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new Sums(row.getLong(1), row.getLong(2));
            }
        }
    }
}
