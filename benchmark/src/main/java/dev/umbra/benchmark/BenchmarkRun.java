package dev.umbra.benchmark;

import dev.umbra.engine.apply.ApplyCounts;
import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.testkit.DatabaseServer;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the cases on one server, in one schema: loads the source table once, gives every case its
 * own server-side copy of it, and measures the case.
 */
final class BenchmarkRun {

    static final String ALTER = "ADD COLUMN e INT NOT NULL DEFAULT 0";
    private static final String SOURCE = "bench_source";
    /** Case (f): the chunk size Umbra used before chunks adapted (gh-ost's default too). */
    private static final int FIXED_CHUNK_ROWS = 1_000;
    /** Writes after the cut-over land in the new table; the writer keeps going this long after Done. */
    private static final Duration AFTER_CUT_OVER = Duration.ofSeconds(1);

    private final DatabaseServer server;
    private final String schema;
    private final BenchmarkSettings settings;
    private final PrintStream log;

    private static final int WARM_UP_ROWS = 50_000;

    BenchmarkRun(DatabaseServer server, String schema, BenchmarkSettings settings, PrintStream log) {
        this.server = server;
        this.schema = schema;
        this.settings = settings;
        this.log = log;
    }

    Connection open() throws SQLException {
        return server.connect(schema);
    }

    /** Aborts a case that runs past the limit. */
    private static final java.util.concurrent.ScheduledExecutorService LIMITS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(work -> {
                Thread thread = new Thread(work, "benchmark-case-limit");
                thread.setDaemon(true);
                return thread;
            });

    /** Loads the source table and runs every case; each case's tables are dropped after it. */
    List<CaseResult> run() throws Exception {
        try (Connection connection = openForLoading()) {
            BenchmarkTable.drop(connection, SOURCE);
            BenchmarkTable.create(connection, SOURCE);
            long began = System.nanoTime();
            BenchmarkTable.load(connection, SOURCE, settings.rows());
            log.printf("  loaded %,d rows in %.1f s%n", settings.rows(), (System.nanoTime() - began) / 1e9);
        }
        warmUp();
        List<CaseResult> results = new ArrayList<>();
        for (BenchmarkCase benchmarkCase : settings.cases()) {
            log.printf("  case (%s) %s ...%n", benchmarkCase.letter(), benchmarkCase.description());
            CaseResult result = switch (benchmarkCase) {
                case NATIVE -> nativeAlter();
                case IDLE -> umbra(benchmarkCase, false, 0);
                case STEADY_WRITER -> umbra(benchmarkCase, false, settings.writerRate());
                case FLAT_OUT_WRITER, FLAT_OUT_ONE_APPLY_SESSION -> umbra(benchmarkCase, false, -1);
                case INSTANT -> umbra(benchmarkCase, true, 0);
                case IDLE_WITHOUT_CHECKSUM, FIXED_CHUNKS, TWO_WORKERS, ONE_LARGE_TRANSACTION -> umbra(benchmarkCase, false, 0);
                case CLI_START -> new CliStart(server, schema, SOURCE, ALTER, settings.rows()).run(this::open);
                case PT_OSC -> new PtOnlineSchemaChange(server, schema, SOURCE, ALTER, settings.rows()).run(this::open);
            };
            log.printf("  case (%s) %.1f s, %s%n", benchmarkCase.letter(), result.wall().toMillis() / 1000.0,
                    result.verdict().describe());
            results.add(result);
        }
        try (Connection connection = open()) {
            BenchmarkTable.drop(connection, SOURCE);
        }
        return results;
    }

    private CaseResult nativeAlter() throws SQLException {
        String table = "bench_native";
        try (Connection connection = open()) {
            BenchmarkTable.copy(connection, SOURCE, table);
            HeapMeter.reset();
            CpuMeter cpu = CpuMeter.start(server.pid());
            long began = System.nanoTime();
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE `" + table + "` " + ALTER + ", ALGORITHM=COPY");
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - began);
            long heap = HeapMeter.peakBytes();
            Duration jvmCpu = cpu.jvm();
            Duration serverCpu = cpu.server();
            MirrorVerdict verdict = MirrorVerdict.compare(this::open, table, SOURCE, "e", "0");
            BenchmarkTable.drop(connection, table);
            return new CaseResult(BenchmarkCase.NATIVE, wall, settings.rows(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), heap, jvmCpu, serverCpu, verdict, "native ALTER", List.of());
        }
    }

    /**
     * Umbra's migration of the table; {@code writerRate} 0 runs it idle, -1 with the writer flat out,
     * otherwise with the writer at that many operations per second.
     */
    private CaseResult umbra(BenchmarkCase benchmarkCase, boolean instant, int writerRate) throws Exception {
        String table = "bench_" + benchmarkCase.name().toLowerCase();
        String mirror = table + "_mirror";
        boolean largeTransaction = benchmarkCase == BenchmarkCase.ONE_LARGE_TRANSACTION;
        boolean writing = writerRate != 0 || largeTransaction;
        try (Connection connection = open()) {
            BenchmarkTable.copy(connection, SOURCE, table);
            if (writing) {
                BenchmarkTable.copy(connection, SOURCE, mirror);
            }
        }
        MigrationOptions options = MigrationOptions.defaults().withAutoApproveCutOver(true).withDropOldTable(true)
                .withInstantDdl(instant).withStatusInterval(Duration.ofMillis(500));
        if (settings.chunkSize() > 0) {
            options = options.withChunkSize(settings.chunkSize());
        }
        if (benchmarkCase == BenchmarkCase.FIXED_CHUNKS) {
            options = options.withChunkSize(FIXED_CHUNK_ROWS).withChunkTime(Duration.ZERO);
        }
        if (benchmarkCase == BenchmarkCase.IDLE_WITHOUT_CHECKSUM) {
            options = options.withVerify(false);
        }
        if (benchmarkCase == BenchmarkCase.TWO_WORKERS) {
            options = options.withCopyWorkers(2);
        }
        if (benchmarkCase == BenchmarkCase.FLAT_OUT_ONE_APPLY_SESSION) {
            options = options.withApplySessions(1);
        }
        MigrationPlan plan = new MigrationPlan(new ConnectionSettings(server.host(), server.port(), DatabaseServer.USER,
                DatabaseServer.PASSWORD), schema, table, ALTER, options);
        AtomicLong cutOverStart = new AtomicLong();
        AtomicLong cutOverEnd = new AtomicLong();
        AtomicReference<Phase> lastPhase = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean copied = new java.util.concurrent.atomic.AtomicBoolean();
        long created = System.nanoTime();
        AtomicLong lastPrinted = new AtomicLong(created);
        StageClock stages = new StageClock();
        LargeTransaction backfill = largeTransaction ? new LargeTransaction(this::open, table, mirror) : null;
        MigrationRunner runner = new MigrationRunner(plan, progress -> {
            if (backfill != null && progress.phase() == Phase.COPYING && progress.rowsCopied() > 0) {
                backfill.startOnce();
            }
            Phase previous = lastPhase.getAndSet(progress.phase());
            long now = System.nanoTime();
            stages.observe(progress, now);
            if (progress.phase() == Phase.COPYING) {
                copied.set(true);
            }
            if (progress.phase() == Phase.CUT_OVER && previous != Phase.CUT_OVER) {
                cutOverStart.set(now);
            }
            if (progress.phase().isFinal() && previous == Phase.CUT_OVER) {
                cutOverEnd.set(now);
            }
            if (previous != progress.phase() || now - lastPrinted.get() > 5_000_000_000L) {
                lastPrinted.set(now);
                log.printf("    %6.1f s %s %s %.0f%% copied %,d, applied %,d, backlog %,d%n", (now - created) / 1e9,
                        progress.phase(), progress.stage(), progress.percent(), progress.rowsCopied(), progress.eventsApplied(),
                        progress.applyBacklog());
            }
        });
        MirroredWorkload writer = writerRate != 0 ? new MirroredWorkload(this::open, table, mirror,
                writerRate < 0 ? settings.flatOutThreads() : settings.writerThreads(),
                Math.max(0, writerRate)) : null;
        Progress done;
        Duration wall;
        boolean unfinished = false;
        long opsDuring = 0;
        long began;
        HeapMeter.reset();
        CpuMeter cpu = CpuMeter.start(server.pid());
        Duration jvmCpu;
        Duration serverCpu;
        try {
            if (writer != null) {
                writer.start();
            }
            long opsBefore = writer == null ? 0 : writer.operations();
            began = System.nanoTime();
            java.util.concurrent.ScheduledFuture<?> limit = LIMITS.schedule(() -> runner.control().abort(
                    "the benchmark's case limit of " + settings.caseLimit().toSeconds() + " s"),
                    settings.caseLimit().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                done = runner.run();
            } catch (MigrationAbortedException e) {
                done = runner.progress();
                unfinished = true;
                log.printf("  case (%s) did not finish within %d s: aborted%n", benchmarkCase.letter(),
                        settings.caseLimit().toSeconds());
            } finally {
                limit.cancel(false);
            }
            wall = Duration.ofNanos(System.nanoTime() - began);
            if (backfill != null) {
                backfill.await();
            }
            jvmCpu = cpu.jvm();
            serverCpu = cpu.server();
            if (writer != null) {
                opsDuring = writer.operations() - opsBefore;
                Thread.sleep(AFTER_CUT_OVER.toMillis());
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        long heap = HeapMeter.peakBytes();
        List<String> notes = new ArrayList<>();
        notes.add(String.format("heap in use right after a collection: at most %,d MB", HeapMeter.liveBytes() >> 20));
        if (backfill != null) {
            notes.add(backfill.summary());
        }
        notes.add(String.format("copied %,d rows, applied %,d binlog row changes", done.rowsCopied(), done.eventsApplied()));
        ApplyCounts applier = runner.applyCounts();
        if (applier.batches() > 0) {
            notes.add(String.format("applier: %,d batches on %d session(s), %,d of them in slices; %,d statements, %.3f per"
                    + " binlog row change; %,d row states left to the copy; %,d lost lock contests", applier.batches(),
                    options.applySessions(), applier.slicedBatches(), applier.statements(),
                    applier.statements() / (double) Math.max(1, done.eventsApplied()), applier.leftToTheCopy(),
                    applier.lostLockContests()));
        }
        notes.add("time by stage: " + stages.summary());
        done.verification().ifPresent(verification -> notes.add(String.format(
                "checksum: %,d chunks, %,d of them compared during the copy (%.1f s beside it); %.1f s after the copy;"
                        + " %d mismatched; its longest lock held writers %d ms",
                verification.chunks(), verification.chunksDuringCopy(), verification.durationDuringCopy().toMillis() / 1000.0,
                verification.duration().toMillis() / 1000.0, verification.mismatchedChunks(),
                verification.longestLock().toMillis())));
        Optional<Double> opsPerSecond = Optional.empty();
        Optional<Duration> longestStall = Optional.empty();
        Optional<Duration> cutOverStall = Optional.empty();
        MirrorVerdict verdict;
        try (Connection connection = open()) {
            if (writer != null) {
                opsPerSecond = Optional.of(opsDuring / Math.max(wall.toNanos() / 1e9, 1e-9));
                longestStall = Optional.of(writer.longestStall());
                long to = cutOverEnd.get() == 0 ? System.nanoTime() : cutOverEnd.get();
                cutOverStall = cutOverStart.get() == 0 ? Optional.empty()
                        : Optional.of(writer.stalls().longestGapOverlapping(cutOverStart.get(), to));
                notes.add(String.format("writer: %,d ops during the migration, %,d failed", opsDuring, writer.failedOperations()));
                writer.errors().stream().limit(3).forEach(error -> notes.add("writer error: " + error));
            }
            verdict = MirrorVerdict.compare(this::open, table, writing ? mirror : SOURCE, unfinished ? null : "e", "0");
            BenchmarkTable.drop(connection, table, mirror);
        }
        String path = unfinished ? "**did not finish** (aborted at the case limit; the table is the original)"
                : copied.get() ? "online copy" : "instant";
        return new CaseResult(benchmarkCase, wall, settings.rows(), opsPerSecond, longestStall, cutOverStall,
                done.lastLockTime(), heap, jvmCpu, serverCpu, verdict, path, notes);
    }

    /**
     * One small online migration, untimed, before the cases: the JIT compiles the engine's copy,
     * binlog and checksum paths here (seconds of a core on this machine) instead of inside
     * whichever Umbra case comes first, as it would in a long-running operator.
     */
    private void warmUp() throws Exception {
        String table = "bench_warm_up";
        try (Connection connection = openForLoading()) {
            BenchmarkTable.drop(connection, table);
            BenchmarkTable.create(connection, table);
            BenchmarkTable.load(connection, table, WARM_UP_ROWS);
        }
        long began = System.nanoTime();
        MigrationOptions options = MigrationOptions.defaults().withAutoApproveCutOver(true).withDropOldTable(true)
                .withInstantDdl(false);
        new MigrationRunner(new MigrationPlan(new ConnectionSettings(server.host(), server.port(), DatabaseServer.USER,
                DatabaseServer.PASSWORD), schema, table, ALTER, options), progress -> { }).run();
        log.printf("  warm-up migration of %,d rows (untimed): %.1f s%n", WARM_UP_ROWS, (System.nanoTime() - began) / 1e9);
        try (Connection connection = open()) {
            BenchmarkTable.drop(connection, table);
        }
    }

    /** A session whose batches the driver sends as multi-row INSERTs. */
    private Connection openForLoading() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(schema) + "&rewriteBatchedStatements=true",
                DatabaseServer.USER, DatabaseServer.PASSWORD);
    }
}
