package dev.umbra.engine.run;

import java.util.Optional;

/**
 * Whether a swap, or an instant ALTER, may begin as far as people decide it: approved (or approval
 * automatic), not postponed by a flag file, and within the cut-over's schedule. One rule for both
 * paths; what holds work (pause, throttle) is the gate's to say.
 */
final class CutOverGo {

    private CutOverGo() {
    }

    /** What the cut-over waits for now, as its stage says it; empty when it may begin. */
    static Optional<String> waitingFor(MigrationSession session) {
        if (!(session.options.autoApproveCutOver() || session.control.isCutOverApproved())) {
            return Optional.of("waiting for approval");
        }
        if (session.cutOverPostponed.getAsBoolean()) {
            return Optional.of("postponed by flag file");
        }
        return session.schedule.closed().map(reason -> "waiting for " + reason);
    }
}
