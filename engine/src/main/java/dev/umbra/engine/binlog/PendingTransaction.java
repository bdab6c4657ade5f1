package dev.umbra.engine.binlog;

import java.util.ArrayList;
import java.util.List;

/**
 * The followed row changes of the transaction the stream is reading, not handed over yet. A large
 * transaction is handed over in pieces before its commit arrives, so that memory stays bounded at
 * any transaction size; its end must then follow its pieces even with no change left.
 */
final class PendingTransaction {

    private final int pieceChanges;
    private final long pieceBytes;
    private final List<RowChange> changes = new ArrayList<>();
    private long bytes;
    private boolean piecesHandedOver;

    PendingTransaction(int pieceChanges, long pieceBytes) {
        this.pieceChanges = pieceChanges;
        this.pieceBytes = pieceBytes;
    }

    void add(RowChange change) {
        changes.add(change);
        bytes += change.estimatedBytes();
    }

    /** Whether enough has gathered to hand a piece over. */
    boolean pieceIsDue() {
        return changes.size() >= pieceChanges || bytes >= pieceBytes;
    }

    /** What was gathered so far, without an end: a piece. */
    BinlogTransaction piece() {
        return new BinlogTransaction(List.copyOf(changes), null, bytes);
    }

    /** Whether the transaction's end must be handed over: it had followed changes. */
    boolean hasAny() {
        return !changes.isEmpty() || piecesHandedOver;
    }

    /** The rest of the transaction, with its end. */
    BinlogTransaction ending(BinlogPosition end) {
        return new BinlogTransaction(List.copyOf(changes), end, bytes);
    }

    /** The piece was queued: what follows belongs to the same transaction. */
    void pieceHandedOver() {
        changes.clear();
        bytes = 0;
        piecesHandedOver = true;
    }

    /** The transaction ended (or a reconnect resumes before it): start afresh. */
    void clear() {
        changes.clear();
        bytes = 0;
        piecesHandedOver = false;
    }
}
