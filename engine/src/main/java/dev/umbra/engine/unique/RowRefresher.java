package dev.umbra.engine.unique;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.sql.TransactionCleanup;
import dev.umbra.engine.table.ColumnMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Optional;

/**
 * Writes one row's current state from the original table into the ghost table, in one
 * transaction: the ghost row of that migration key is deleted, and the original row, read with a
 * locking read, is inserted in its place (or stays away, if the original no longer has it).
 *
 * <p>A plain INSERT, so a collision with another row on a unique key fails with the server's own
 * message, which names the key and the duplicate value. The row's older state stays deleted then:
 * a held row must not keep a value that other rows are to have.
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
     * key of the ghost table (the ghost then has no row of that key), empty if the ghost now has
     * the row's current state.
     */
    public Optional<String> refresh(Connection connection, RowKey key) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + qualifiedGhost + " WHERE ("
                    + Sql.columnList(mapping.ghostKeyNames()) + ") = " + key.ghostTuple())) {
                bind(delete, key);
                delete.executeUpdate();
            }
            Savepoint deleted = connection.setSavepoint();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + qualifiedGhost + " ("
                    + Sql.columnList(mapping.ghostNames()) + ") SELECT " + mapping.selectList()
                    + " FROM " + qualifiedOriginal + " WHERE (" + Sql.columnList(mapping.originalKeyNames()) + ") = "
                    + key.originalTuple() + " LOCK IN SHARE MODE")) {
                bind(insert, key);
                insert.executeUpdate();
            } catch (SQLException e) {
                if (!clause.isConflict(e)) {
                    throw e;
                }
                connection.rollback(deleted);
                connection.commit();
                return Optional.of(e.getMessage());
            }
            connection.commit();
            return Optional.empty();
        } catch (SQLException e) {
            TransactionCleanup.rollback(connection, e);
            throw e;
        } finally {
            TransactionCleanup.restoreAutoCommit(connection, autoCommit);
        }
    }

    private static void bind(PreparedStatement statement, RowKey key) throws SQLException {
        for (int i = 0; i < key.values().size(); i++) {
            statement.setObject(i + 1, key.values().get(i));
        }
    }
}
