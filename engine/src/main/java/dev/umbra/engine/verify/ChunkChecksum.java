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

    /**
     * @param ghostIndexHint {@link VerifyContext#ghostIndexHint()}: without it, MariaDB's checksum of
     *                       the benchmark's idle case cost 11.8 s of server CPU, against 5 s on MySQL
     */
    ChunkChecksum(String schema, String original, String ghost, String ghostIndexHint, ColumnMapping mapping,
                  ComparedColumns columns) {
        this.mapping = mapping;
        this.originalSelect = "SELECT COUNT(*), COALESCE(BIT_XOR(" + columns.originalRowChecksum() + "), 0) FROM "
                + Sql.qualified(schema, original) + " FORCE INDEX (" + Sql.quote(mapping.originalKey().name()) + ")";
        this.ghostSelect = "SELECT COUNT(*), COALESCE(BIT_XOR(" + columns.ghostRowChecksum() + "), 0) FROM "
                + Sql.qualified(schema, ghost) + ghostIndexHint;
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
