package dev.umbra.engine.run;

import dev.umbra.engine.progress.Phase;
import java.util.Optional;

/**
 * AwaitingCutOver of an online copy: done once the cut-over is approved, not postponed, within
 * its schedule, not held, and the applier's backlog is under one batch. Rows held back by a
 * unique-key collision are settled meanwhile.
 */
final class AwaitCutOverStep implements RunStep {

    @Override
    public Next run(MigrationSession session) throws Exception {
        session.tracker.enter(Phase.AWAITING_CUT_OVER, session.options.autoApproveCutOver() ? "catching up" : "waiting for approval");
        while (true) {
            session.gate.check();
            session.settleConflicts();
            Optional<String> waiting = CutOverGo.waitingFor(session);
            session.state.stage = waiting.orElse("catching up");
            if (waiting.isEmpty() && !session.gate.holdForThrottle()
                    && session.pipeline.applyLoop().backlog() < session.options.applyBatchSize()) {
                return Next.GO_ON;
            }
            Thread.sleep(100);
        }
    }
}
