package dev.umbra.engine.run;

import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.failure.TableInUseException;
import dev.umbra.engine.sql.UnsafeToContinueException;
import dev.umbra.engine.unique.UniqueConflictException;
import dev.umbra.engine.verify.VerificationFailedException;

/** The {@link FailureKind} of whatever ended a run. */
final class FailureKinds {

    private FailureKinds() {
    }

    /** Why the migration could not go on, for programs: the engine's own kinds first, then what the exception is. */
    static FailureKind of(Exception e) {
        if (e instanceof MigrationFailedException failed) {
            return failed.kind();
        }
        if (e instanceof TableInUseException) {
            return FailureKind.TABLE_IN_USE;
        }
        if (e instanceof MigrationRefusedException) {
            return FailureKind.REFUSED;
        }
        if (e instanceof VerificationFailedException) {
            return FailureKind.CHECKSUM_MISMATCH;
        }
        if (e instanceof UniqueConflictException) {
            return FailureKind.DUPLICATE_KEY;
        }
        if (e instanceof UnsafeToContinueException) {
            return FailureKind.OWNERSHIP_LOST;
        }
        return FailureKind.OTHER;
    }
}
