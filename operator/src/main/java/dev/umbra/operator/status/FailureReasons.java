package dev.umbra.operator.status;

import dev.umbra.engine.failure.FailureKind;

/** The condition and Event reason of each way a run can fail: from the engine's kind, never its message. */
public final class FailureReasons {

    private FailureReasons() {
    }

    public static String of(FailureKind kind) {
        return switch (kind) {
            case REFUSED -> "Refused";
            case TABLE_IN_USE -> "TableInUse";
            case SERVER_UNREACHABLE -> "CannotConnect";
            case PLAN_CHANGED -> "PlanChanged";
            case DUPLICATE_KEY -> "DuplicateKey";
            case CHECKSUM_MISMATCH -> "ChecksumMismatch";
            case BINLOG_LOST -> "BinlogLost";
            case APPLY_FAILED -> "ApplyFailed";
            case OWNERSHIP_LOST -> "TableNoLongerOwned";
            case CUT_OVER_FAILED -> "CutOverFailed";
            case ORIGINAL_RENAMED -> "OriginalRenamed";
            case OTHER -> "Failed";
        };
    }
}
