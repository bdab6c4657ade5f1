package dev.umbra.engine.run;

import dev.umbra.engine.verify.TableVerifier;
import dev.umbra.engine.verify.VerifyContext;

/** The checksum before cut-over, the last stage of Copying (see {@link TableVerifier}); skipped when turned off. */
final class VerifyStep implements RunStep {

    @Override
    public Next run(MigrationSession session) throws Exception {
        if (!session.options.verify()) {
            return Next.GO_ON;
        }
        session.pause(PausePoint.BEFORE_VERIFY);
        RunState state = session.state;
        state.stage = "Verifying";
        session.tracker.publish();
        BinlogPipeline pipeline = session.pipeline;
        VerifyContext context = new VerifyContext(session.inspection.server(), session.plan.tableName(),
                session.inspection.helpers().ghost(), session.inspection.mapping(), pipeline.changelog(), session.connections,
                pipeline.applyLoop(), pipeline.conflicts(), session.heldRows, pipeline.cascadingParents(),
                session.options.cutOverLockTimeout(), checksumChunkRows(session),
                Math.max(state.rowsCopied, state.rowsEstimated), session.options.diagnostics());
        state.verification = new TableVerifier(context).verify(new TableVerifier.Observer() {
            @Override
            public void stage(String stage) {
                state.stage = stage;
            }

            @Override
            public void checkpoint() throws Exception {
                session.gate.awaitWorkMayGoOn();
            }

            @Override
            public void afterRepair() throws Exception {
                session.pause(PausePoint.AFTER_VERIFY_REPAIR);
            }
        });
        state.message = "Copying: " + TableVerifier.describe(state.verification);
        session.tracker.publish();
        return Next.GO_ON;
    }

    /** Rows per checksum chunk: as the copy's chunks had grown (see {@link CopyStep#checksumChunkRows()}). */
    private static int checksumChunkRows(MigrationSession session) {
        return session.copy == null ? session.options.chunkSize() : session.copy.checksumChunkRows();
    }
}
