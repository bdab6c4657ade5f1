package dev.umbra.engine.run;

import dev.umbra.engine.apply.ApplyLoop;
import dev.umbra.engine.binlog.BinlogGoneException;
import dev.umbra.engine.binlog.BinlogStream;
import dev.umbra.engine.failure.FailureKind;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.logging.ServerMessages;
import dev.umbra.engine.sql.UnsafeToContinueException;
import dev.umbra.engine.throttle.Hold;
import dev.umbra.engine.throttle.Throttler;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one gate every step of a run asks between two units of work: has someone aborted, has a
 * worker (the binlog stream, the applier, the ownership watch) failed, is work held (paused or
 * throttled). What holds work is recorded in the run's state for the status.
 */
final class WorkGate {

    private final MigrationControl control;
    private final Throttler throttler;
    private final RunState state;
    private volatile Supplier<Optional<String>> externalThrottle = Optional::empty;
    private volatile BinlogStream stream;
    private volatile ApplyLoop applyLoop;
    /** Why the periodic ownership check says the run must stop, if it does. */
    private volatile SQLException ownershipFailure;

    WorkGate(MigrationControl control, Throttler throttler, RunState state) {
        this.control = control;
        this.throttler = throttler;
        this.state = state;
    }

    void setExternalThrottle(Supplier<Optional<String>> throttle) {
        this.externalThrottle = throttle;
    }

    /** From now on a failure of these workers ends the run at the next check. */
    void watch(BinlogStream stream, ApplyLoop applyLoop) {
        this.stream = stream;
        this.applyLoop = applyLoop;
    }

    /** The ownership watch found that the run may not go on. */
    void ownershipLost(SQLException why) {
        ownershipFailure = why;
    }

    /** Throws if the run was aborted or one of its workers failed. */
    void check() throws MigrationAbortedException, MigrationFailedException {
        control.checkNotAborted();
        checkWorkers();
    }

    /** Returns once work may go on: waits while paused or throttled, throws on an abort or a failed worker. */
    void awaitWorkMayGoOn() throws MigrationAbortedException, MigrationFailedException, InterruptedException {
        do {
            check();
        } while (holdForThrottle());
    }

    /** True (after a short wait) while paused or throttled; the caller then checks again. */
    boolean holdForThrottle() throws InterruptedException {
        if (held()) {
            Thread.sleep(100);
            return true;
        }
        return false;
    }

    /** Records whether work is held now (paused or throttled) and why; true while it is. */
    boolean held() {
        Optional<Hold> now = holdNow();
        Hold before = state.throttle;
        // A hold of the same kind keeps its start while its figures change.
        state.throttle = now.map(hold -> before != null && before.kind() == hold.kind() ? hold.since(before.since()) : hold)
                .orElse(null);
        return now.isPresent();
    }

    /** What holds work now, without recording it. */
    Optional<Hold> holdNow() {
        if (control.isPaused()) {
            return Optional.of(new Hold(Hold.Kind.PAUSED, "paused by user", Instant.now()));
        }
        return throttler.current().or(() -> externalThrottle.get().map(reason -> new Hold(Hold.Kind.EXTERNAL, reason, Instant.now())));
    }

    void checkWorkers() throws MigrationFailedException {
        SQLException notOwner = ownershipFailure;
        if (notOwner != null) {
            throw new MigrationFailedException(FailureKind.OWNERSHIP_LOST, describe(notOwner), notOwner);
        }
        BinlogStream binlog = stream;
        Optional<Exception> streamFailure = binlog == null ? Optional.empty() : binlog.failure();
        if (streamFailure.isPresent()) {
            throw new MigrationFailedException(lostKind(streamFailure.get(), FailureKind.BINLOG_LOST),
                    "the binlog stream was lost and could not be resumed: " + describe(streamFailure.get()), streamFailure.get());
        }
        ApplyLoop loop = applyLoop;
        Exception applyFailure = loop == null ? null : loop.failure();
        if (applyFailure != null) {
            throw new MigrationFailedException(lostKind(applyFailure, FailureKind.APPLY_FAILED),
                    "applying binlog changes failed: " + describe(applyFailure), applyFailure);
        }
    }

    /**
     * A worker that stopped because the run may not go on (its server was replaced, its table is
     * another run's) failed for that reason, whichever worker noticed first.
     */
    private static FailureKind lostKind(Exception failure, FailureKind otherwise) {
        if (failure instanceof BinlogGoneException) {
            return FailureKind.BINLOG_LOST;
        }
        return failure instanceof UnsafeToContinueException ? FailureKind.OWNERSHIP_LOST : otherwise;
    }

    /** A failure for the status message: the server's row values left out (they are data). */
    static String describe(Exception e) {
        String message = ServerMessages.withoutValues(e.getMessage());
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
