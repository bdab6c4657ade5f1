package dev.umbra.engine.verify;

import dev.umbra.engine.apply.CatchUpBeforeLock;
import dev.umbra.engine.unique.UniqueConflictException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Gets the binlog applier ready for a lock the checksum is about to take, without any lock: the
 * less it has left to apply, the shorter the lock.
 */
final class ApplierCatchUp {

    private ApplierCatchUp() {
    }

    /** Waits until the applier has caught up (see {@link CatchUpBeforeLock}), saying so in the stage meanwhile. */
    static void await(VerifyContext context, TableVerifier.Observer observer, String stage) throws Exception {
        CatchUpBeforeLock.await(context.changelog(), context.connections(), context.applyLoop(), context.lockTimeout(),
                "the checksum of `" + context.original() + "`", new CatchUpBeforeLock.Waiting() {
                    @Override
                    public void checkpoint() throws Exception {
                        observer.checkpoint();
                    }

                    @Override
                    public void behind() {
                        observer.stage(stage + ": waiting for the binlog applier to catch up");
                    }
                });
    }

    /**
     * Writes the rows held back by unique-key collisions again (a real duplicate fails the
     * verification here); rows held again meanwhile only mean another round.
     */
    static void settleHeldRows(VerifyContext context) throws SQLException, InterruptedException,
            VerificationFailedException {
        if (context.held().isEmpty()) {
            return;
        }
        try (Connection connection = context.connections().open()) {
            context.conflicts().settle(connection);
        } catch (UniqueConflictException e) {
            throw new VerificationFailedException(e.getMessage(), e);
        }
    }
}
