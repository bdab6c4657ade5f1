package dev.umbra.engine.run;

import dev.umbra.engine.progress.Verification;
import dev.umbra.engine.table.UniqueKey;
import dev.umbra.engine.verify.ChecksumBehindCopy;
import dev.umbra.engine.verify.TableVerifier;
import dev.umbra.engine.verify.VerifyContext;
import java.util.Optional;

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
        VerifyContext context = context(session, checksumChunkRows(session), Math.max(state.rowsCopied, state.rowsEstimated));
        Optional<ChecksumBehindCopy> behind = session.copy == null ? Optional.empty() : session.copy.takeChecksumBehind();
        try {
            state.verification = verify(session, context, behind);
        } finally {
            behind.ifPresent(ChecksumBehindCopy::close);
        }
        state.message = "Copying: " + TableVerifier.describe(state.verification);
        session.tracker.publish();
        return Next.GO_ON;
    }

    /** What the checksum works with. */
    static VerifyContext context(MigrationSession session, int chunkRows, long expectedRows) {
        BinlogPipeline pipeline = session.pipeline;
        Optional<String> ghostKeyIndex = session.inspection.ghost().uniqueKeyLedBy(session.inspection.mapping().ghostKeyNames())
                .map(UniqueKey::name);
        return new VerifyContext(session.inspection.server(), session.plan.tableName(),
                session.inspection.helpers().ghost(), ghostKeyIndex, session.inspection.mapping(), pipeline.changelog(),
                session.connections,
                pipeline.applyLoop(), pipeline.conflicts(), session.heldRows, pipeline.cascadingParents(),
                session.options.cutOverLockTimeout(), chunkRows, expectedRows, session.options.diagnostics());
    }

    private static Verification verify(MigrationSession session, VerifyContext context, Optional<ChecksumBehindCopy> behind)
            throws Exception {
        RunState state = session.state;
        return new TableVerifier(context).verify(new TableVerifier.Observer() {
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
        }, behind);
    }

    /** Rows per checksum chunk: as the copy's chunks had grown (see {@link CopyStep#checksumChunkRows()}). */
    private static int checksumChunkRows(MigrationSession session) {
        return session.copy == null ? session.options.chunkSize() : session.copy.checksumChunkRows();
    }
}
