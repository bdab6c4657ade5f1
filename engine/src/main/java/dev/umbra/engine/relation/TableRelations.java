package dev.umbra.engine.relation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything named in the schema that must move with a table at its swap: its triggers and, as a
 * child, its foreign keys. Moved as one, undone in reverse order.
 */
public final class TableRelations {

    private final List<RelationMove> moves;

    private TableRelations(List<RelationMove> moves) {
        this.moves = moves;
    }

    /** The relations {@code from} has now, to move to {@code to}. */
    public static TableRelations of(Connection reader, String schema, String from, String to) throws SQLException {
        List<RelationMove> moves = new ArrayList<>();
        for (RelationMove move : List.of(ForeignKeyMove.of(reader, schema, from, to), TriggerMove.of(reader, schema, from, to))) {
            if (!move.isEmpty()) {
                moves.add(move);
            }
        }
        return new TableRelations(moves);
    }

    /**
     * Moves back to {@code original} whatever relations {@code ghost} holds: a cut-over attempt that
     * was interrupted (a crash) or could not undo its move left them there. Returns what it moved.
     */
    public static java.util.Optional<String> putBackStranded(Connection connection, String schema, String ghost,
                                                              String original) throws SQLException {
        TableRelations stranded = of(connection, schema, ghost, original);
        if (stranded.isEmpty()) {
            return java.util.Optional.empty();
        }
        stranded.move(connection, connection);
        return java.util.Optional.of(stranded.describe());
    }

    public boolean isEmpty() {
        return moves.isEmpty();
    }

    public void detach(Connection fromSession) throws SQLException {
        for (RelationMove move : moves) {
            move.detach(fromSession);
        }
    }

    public void attach(Connection toSession) throws SQLException {
        for (RelationMove move : moves) {
            move.attach(toSession);
        }
    }

    /** Detaches from the source, then attaches to the target. */
    public void move(Connection fromSession, Connection toSession) throws SQLException {
        detach(fromSession);
        attach(toSession);
    }

    public void undo(Connection fromSession, Connection toSession) throws SQLException {
        for (int i = moves.size() - 1; i >= 0; i--) {
            moves.get(i).undo(fromSession, toSession);
        }
    }

    public boolean sourceIsMissingSome() {
        return moves.stream().anyMatch(RelationMove::sourceIsMissingSome);
    }

    public String describe() {
        return moves.stream().map(RelationMove::describe).collect(Collectors.joining(", "));
    }

    public String sourceStatements() {
        return moves.stream().map(RelationMove::sourceStatements).collect(Collectors.joining("\n"));
    }
}
