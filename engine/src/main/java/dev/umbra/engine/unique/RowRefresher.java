package dev.umbra.engine.unique;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Writes one row's current state from the original table into the ghost table, in one
 * transaction: the ghost row of that migration key is deleted, and the original row, read with a
 * locking read, is inserted in its place (or stays away, if the original no longer has it).
 *
 * <p>A plain INSERT, so a collision with another row on a unique key fails with the server's own
 * message, which names the key and the duplicate value; the transaction is then rolled back and
 * the ghost is as it was.
 */
public final class RowRefresher {

    private final String qualifiedOriginal;
    private final String qualifiedGhost;
    private final ColumnMapping mapping;
    private final ConflictClause clause;

    public RowRefresher(String schema, String original, String ghost, ColumnMapping mapping, ConflictClause clause) {
        this.qualifiedOriginal = Sql.qualified(schema, original);
        this.qualifiedGhost = Sql.qualified(schema, ghost);
        this.mapping = mapping;
        this.clause = clause;
    }

    /**
     * Refreshes the row; returns the server's message if it collides with another row on a unique
     * key of the ghost table (nothing is changed then), empty if the ghost now has the row's
     * current state.
     */
    public Optional<String> refresh(Connection connection, RowKey key) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + qualifiedGhost + " WHERE ("
                    + Sql.columnList(mapping.ghostKeyNames()) + ") = " + key.tuple())) {
                bind(delete, key);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + qualifiedGhost + " ("
                    + Sql.columnList(mapping.ghostNames()) + ") SELECT " + Sql.columnList(mapping.originalNames())
                    + " FROM " + qualifiedOriginal + " WHERE (" + Sql.columnList(mapping.originalKeyNames()) + ") = "
                    + key.tuple() + " LOCK IN SHARE MODE")) {
                bind(insert, key);
                insert.executeUpdate();
            }
            connection.commit();
            return Optional.empty();
        } catch (SQLException e) {
            connection.rollback();
            if (clause.isConflict(e)) {
                return Optional.of(e.getMessage());
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static void bind(PreparedStatement statement, RowKey key) throws SQLException {
        for (int i = 0; i < key.values().size(); i++) {
            statement.setObject(i + 1, key.values().get(i));
        }
    }
}
