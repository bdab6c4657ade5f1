package dev.umbra.engine.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * For tests of the checksum that act at {@link PausePoint#BEFORE_VERIFY} (corrupt the ghost, begin
 * a long transaction): holds the ranges the checksum would compare beside the copy until that
 * action has run, so that every range is compared after it, as if the whole checksum ran after the
 * copy.
 */
final class ChecksumHold {

    private ChecksumHold() {
    }

    static PauseHook untilAfter(PauseHook beforeVerify) {
        CountDownLatch actedBeforeVerify = new CountDownLatch(1);
        return point -> {
            if (point == PausePoint.BEFORE_COMPARING_DURING_COPY) {
                if (!actedBeforeVerify.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the run never reached " + PausePoint.BEFORE_VERIFY);
                }
                return;
            }
            try {
                beforeVerify.reached(point);
            } finally {
                if (point == PausePoint.BEFORE_VERIFY) {
                    actedBeforeVerify.countDown();
                }
            }
        };
    }
}
