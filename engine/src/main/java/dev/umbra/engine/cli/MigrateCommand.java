package dev.umbra.engine.cli;

import dev.umbra.engine.failure.MigrationAbortedException;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.plan.OptionsForm;
import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.engine.table.HelperTables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code umbra migrate}: one online ALTER, flags named as gh-ost names them where the meaning is
 * the same. Without {@code --execute} it only inspects and prints the plan.
 */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        exitCodeOnExecutionException = UmbraCli.EXIT_FAILED,
        description = {
            "Runs an online ALTER on one table: copies it into a ghost table with the new definition while"
                    + " replaying the binary log, then swaps the two.",
            "Without --execute, only inspects: checks the server, grants, table and ALTER, prints the plan and"
                    + " changes nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Done (or a dry run passed inspection).",
            "2:Bad usage.",
            "3:Refused by inspection; nothing was changed.",
            "4:Failed; the original table is intact.",
            "5:Aborted (Ctrl-C); the original table is intact."})
final class MigrateCommand implements Callable<Integer> {

    static final String PASSWORD_VARIABLE = "UMBRA_PASSWORD";

    /** The options' fields as this command's flags name them. */
    private static final Map<OptionsForm.Field, String> FLAGS = Map.ofEntries(
            Map.entry(OptionsForm.Field.CHUNK_SIZE, "--chunk-size"),
            Map.entry(OptionsForm.Field.CHUNK_TIME_MILLIS, "--chunk-time-millis"),
            Map.entry(OptionsForm.Field.COPY_WORKERS, "--copy-workers"),
            Map.entry(OptionsForm.Field.APPLY_SESSIONS, "--apply-sessions"),
            Map.entry(OptionsForm.Field.CUT_OVER_LOCK_TIMEOUT_SECONDS, "--cut-over-lock-timeout-seconds"),
            Map.entry(OptionsForm.Field.CUT_OVER_MAX_ATTEMPTS, "--default-retries"),
            Map.entry(OptionsForm.Field.RECONNECT_TIMEOUT_SECONDS, "--reconnect-timeout-seconds"),
            Map.entry(OptionsForm.Field.STATUS_INTERVAL_SECONDS, "--status-interval-seconds"),
            Map.entry(OptionsForm.Field.MAX_REPLICA_LAG_MILLIS, "--max-lag-millis"),
            Map.entry(OptionsForm.Field.MAX_LOAD, "--max-load"),
            Map.entry(OptionsForm.Field.CRITICAL_LOAD, "--critical-load"),
            Map.entry(OptionsForm.Field.REPLICAS, "--throttle-control-replicas"),
            Map.entry(OptionsForm.Field.REVERT_WINDOW, "--revert-window"),
            Map.entry(OptionsForm.Field.REVERT_ACCEPT_LOSS, "--revert-accept-loss"));


    @ParentCommand
    private UmbraCli parent;

    @Spec
    private CommandSpec spec;

    /** Where the table is and how to log in: shared with {@code umbra revert}. */
    @Mixin
    private ServerLogin login;

    @Option(names = "--alter", required = true, paramLabel = "CLAUSES",
            description = "The ALTER clause list, e.g. \"ADD COLUMN status TINYINT NOT NULL DEFAULT 1\".")
    private String alter;

    @Option(names = "--execute",
            description = "Really migrate. Without it: inspect only, print the plan, change nothing.")
    private boolean execute;

    @Option(names = "--chunk-size", defaultValue = "1000", paramLabel = "ROWS",
            description = "Rows of the first copy chunk; later chunks adapt to --chunk-time-millis. Default: ${DEFAULT-VALUE}.")
    private int chunkSize;

    @Option(names = "--chunk-time-millis", defaultValue = "500", paramLabel = "MILLIS",
            description = "The time one copy chunk should take: chunk sizes adapt to it (between 100 and 50,000 rows);"
                    + " 0 keeps every chunk at --chunk-size. Default: ${DEFAULT-VALUE}.")
    private int chunkTimeMillis;

    @Option(names = "--copy-workers", paramLabel = "N",
            description = "Sessions copying chunks at the same time, over disjoint key ranges (1 to 16); more copy"
                    + " faster on a server with cores to spare, and load it more. Default: chosen for the server, 2"
                    + " where copy chunks can run side by side (innodb_autoinc_lock_mode=2, MySQL 8.0's default, or a"
                    + " table without AUTO_INCREMENT), else 1.")
    private Integer copyWorkers;

    @Option(names = "--apply-sessions", defaultValue = "" + MigrationOptions.DEFAULT_APPLY_SESSIONS, paramLabel = "N",
            description = "Sessions applying one batch of binlog changes at once, each a disjoint run of its keys"
                    + " (1 to 8); more keep up with heavier writers, one applies every batch in one transaction."
                    + " Default: ${DEFAULT-VALUE}.")
    private int applySessions;

    @Option(names = "--instant-ddl", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Try ALGORITHM=INSTANT on the table first when the server can do this ALTER instantly"
                    + " (metadata only, no copy; it still waits for the cut-over approval and holds its lock at most"
                    + " --cut-over-lock-timeout-seconds); --no-instant-ddl always copies. Default: on.")
    private boolean instantDdl;

    @Option(names = "--cut-over", defaultValue = "atomic", paramLabel = "METHOD",
            converter = CutOverMethodOption.Converter.class, completionCandidates = CutOverMethodOption.Names.class,
            description = "${COMPLETION-CANDIDATES}. atomic: one RENAME swaps both names while writers wait;"
                    + " two-step: the table is briefly missing. Default: ${DEFAULT-VALUE}.")
    private CutOverMethod cutOver;

    @Option(names = "--cut-over-lock-timeout-seconds", defaultValue = "3", paramLabel = "SECONDS",
            description = "The longest one cut-over attempt may block writers. Default: ${DEFAULT-VALUE}.")
    private int cutOverLockTimeoutSeconds;

    @Option(names = "--default-retries", defaultValue = "10", paramLabel = "N",
            description = "Cut-over attempts before giving up. Default: ${DEFAULT-VALUE}.")
    private int defaultRetries;

    @Option(names = "--postpone-cut-over-flag-file", paramLabel = "FILE",
            description = "While this file exists, the cut-over waits (copy and binlog replay go on).")
    private Path postponeCutOverFlagFile;

    @Option(names = "--revert-window", paramLabel = "DURATION",
            description = "After the cut-over, keep the old table (_<table>_del) in step with the new one for this long"
                    + " (e.g. 30m, 2h, 1h30m; at most 7d), so that --revert-flag-file can swap the tables back. The"
                    + " command runs until the window ends. Default: no window.")
    private String revertWindow;

    @Option(names = "--revert-accept-loss",
            description = "Offer the revert window even where a revert loses data the plan names (a dropped column's"
                    + " values of rows inserted since the cut-over, a narrowed type).")
    private boolean revertAcceptLoss;

    @Option(names = "--revert-flag-file", paramLabel = "FILE",
            description = "Within the revert window, create this file to swap the tables back: the table gets its old"
                    + " definition again, with every row written since the cut-over.")
    private Path revertFlagFile;

    @Option(names = "--throttle-flag-file", paramLabel = "FILE",
            description = "While this file exists, copy and binlog replay hold.")
    private Path throttleFlagFile;

    @Option(names = "--throttle-control-replicas", paramLabel = "HOST:PORT,...",
            description = "Replicas whose lag throttles the migration (read through Umbra's heartbeat; same login as"
                    + " the writer). A replica that cannot be read, or stopped replicating, counts as lagging.")
    private String throttleControlReplicas;

    @Option(names = "--max-lag-millis", paramLabel = "MILLIS",
            description = "Hold copy and apply while a replica of --throttle-control-replicas lags more than this."
                    + " Default with replicas: 1500.")
    private Long maxLagMillis;

    @Option(names = "--max-load", paramLabel = "VAR=LIMIT,...",
            description = "Hold copy and apply while a global status variable of the writer is above its limit,"
                    + " e.g. Threads_running=25.")
    private String maxLoad;

    @Option(names = "--critical-load", paramLabel = "VAR=LIMIT,...",
            description = "Abort (the original table stays as it is) when a global status variable of the writer is"
                    + " above its limit, e.g. Threads_running=200.")
    private String criticalLoad;

    @Option(names = "--reconnect-timeout-seconds", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long copy and apply keep reconnecting after losing the writer (network drop, KILL,"
                    + " restart) before the migration fails. Default: ${DEFAULT-VALUE}.")
    private int reconnectTimeoutSeconds;

    @Option(names = "--ok-to-drop-table",
            description = "Drop the old table (_<table>_del) after the cut-over. Default: keep it.")
    private boolean okToDropTable;

    @Option(names = "--initially-drop-ghost-table",
            description = "Drop helper tables (_<table>_gho, _<table>_ghc, _<table>_ghk) left by an earlier run that"
                    + " cannot be resumed, instead of refusing.")
    private boolean initiallyDropGhostTable;

    @Option(names = "--no-resume",
            description = "Do not resume an interrupted run of this migration from its checkpoint; its helper tables"
                    + " then count as stale (see --initially-drop-ghost-table). Default: resume when the checkpoint is valid.")
    private boolean noResume;

    @Option(names = "--initially-drop-old-table",
            description = "Drop an existing _<table>_del instead of refusing.")
    private boolean initiallyDropOldTable;

    @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Compare the tables chunk by chunk (row count and checksum) before the cut-over, copying"
                    + " mismatched chunks again; --no-verify skips it. Default: on.")
    private boolean verify;

    @Option(names = "--diagnostics-include-statements",
            description = "Log what messages leave out because it can hold data: other sessions' statements (a lock"
                    + " blocker's query) and sample row values (duplicates for a new unique key). Default: off.")
    private boolean diagnosticsIncludeStatements;

    @Option(names = "--status-json", paramLabel = "FILE",
            description = "Keep the latest progress in this file as JSON (replaced atomically).")
    private Path statusJson;

    @Option(names = "--status-interval-seconds", defaultValue = "5", paramLabel = "SECONDS",
            description = "How often a status line is printed (and the status file updated). Default: ${DEFAULT-VALUE}.")
    private int statusIntervalSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MigrationPlan plan = plan();
        StatusReporter reporter = new StatusReporter(err, Optional.ofNullable(statusJson).map(StatusJsonFile::new));
        MigrationRunner runner = new MigrationRunner(plan, reporter);
        if (postponeCutOverFlagFile != null) {
            Path flag = postponeCutOverFlagFile;
            runner.setCutOverPostponed(() -> Files.exists(flag));
        }
        if (revertFlagFile != null) {
            Path flag = revertFlagFile;
            runner.setRevertRequested(() -> Files.exists(flag));
        }
        if (throttleFlagFile != null) {
            Path flag = throttleFlagFile;
            String reason = "throttle flag file " + flag + " exists";
            runner.setExternalThrottle(() -> Files.exists(flag) ? Optional.of(reason) : Optional.empty());
        }
        return new InterruptSupervisor(runner, err, parent.exitsProcess(), HelperTables.forTable(login.table()), login.database())
                .run(execute ? () -> migrate(runner, reporter, err) : () -> dryRun(runner, reporter, out, err));
    }

    private MigrationPlan plan() {
        if (statusJson != null) {
            Path directory = statusJson.toAbsolutePath().getParent();
            if (directory == null || !Files.isDirectory(directory)) {
                throw usage("--status-json: the directory " + directory + " does not exist.");
            }
        }
        MigrationOptions options;
        try {
            options = new OptionsForm(FLAGS, MigrationOptions.defaults())
                    .chunkSize(chunkSize).chunkTimeMillis(chunkTimeMillis).copyWorkers(copyWorkers).applySessions(applySessions)
                    .cutOverLockTimeoutSeconds(cutOverLockTimeoutSeconds).cutOverMaxAttempts(defaultRetries)
                    .statusIntervalSeconds(statusIntervalSeconds).reconnectTimeoutSeconds(reconnectTimeoutSeconds)
                    .replicas(replicas()).maxReplicaLagMillis(maxLagMillis).maxLoad(maxLoad).criticalLoad(criticalLoad)
                    .revert(revertWindow, revertAcceptLoss)
                    .with(base -> base.withCutOverMethod(cutOver).withAutoApproveCutOver(true).withDropOldTable(okToDropTable)
                            .withDropStaleGhostTable(initiallyDropGhostTable).withDropStaleOldTable(initiallyDropOldTable)
                            .withResume(!noResume).withVerify(verify).withInstantDdl(instantDdl)
                            .withDiagnosticsIncludeStatements(diagnosticsIncludeStatements))
                    .build();
        } catch (OptionsForm.InvalidOptionsException e) {
            throw usage(e.getMessage());
        }
        ConnectionSettings connection = login.settings(parent);
        return new MigrationPlan(connection, login.database(), login.table(), alter, options);
    }

    private List<ReplicaAddress> replicas() {
        try {
            return throttleControlReplicas == null ? List.of() : ReplicaAddress.parseList(throttleControlReplicas);
        } catch (IllegalArgumentException e) {
            throw usage("--throttle-control-replicas: " + e.getMessage() + ".");
        }
    }

    private int migrate(MigrationRunner runner, StatusReporter reporter, PrintWriter err) {
        err.println("Migrating `" + login.database() + "`.`" + login.table() + "` on " + login.address() + " as " + login.user()
                + "; the"
                + " cut-over follows as soon as the copy has caught up"
                + (postponeCutOverFlagFile == null ? "." : ", once " + postponeCutOverFlagFile + " is gone.")
                + (revertWindow == null || runner.revertWindow().isZero() ? "" : " Then the old table is kept in step for "
                        + revertWindow + (revertFlagFile == null ? " (no --revert-flag-file: the window only keeps it)."
                                : "; create " + revertFlagFile + " to swap back.")));
        err.flush();
        try {
            Progress done = runner.run();
            reporter.writeJson(done);
            err.println(done.message());
            return UmbraCli.EXIT_OK;
        } catch (MigrationRefusedException e) {
            reporter.writeJson(runner.progress());
            err.println("Refused: " + e.getMessage());
            return UmbraCli.EXIT_REFUSED;
        } catch (MigrationFailedException e) {
            reporter.writeJson(runner.progress());
            err.println(runner.progress().message());
            return UmbraCli.EXIT_FAILED;
        } catch (MigrationAbortedException e) {
            reporter.writeJson(runner.progress());
            err.println(runner.progress().message());
            return UmbraCli.EXIT_ABORTED;
        } finally {
            err.flush();
        }
    }

    private int dryRun(MigrationRunner runner, StatusReporter reporter, PrintWriter out, PrintWriter err) {
        try {
            Inspection inspection = runner.inspectOnly();
            reporter.writeJson(runner.progress());
            PlanPrinter.print(out, new TableName(login.database(), login.table()), inspection, runner.progress().plan().orElseThrow());
            return UmbraCli.EXIT_OK;
        } catch (MigrationRefusedException e) {
            reporter.writeJson(runner.progress());
            err.println("Refused: " + e.getMessage());
            if (initiallyDropGhostTable || initiallyDropOldTable) {
                err.println("(A dry run drops no existing table: --initially-drop-ghost-table and"
                        + " --initially-drop-old-table take effect only with --execute.)");
            }
            return UmbraCli.EXIT_REFUSED;
        } catch (MigrationFailedException e) {
            reporter.writeJson(runner.progress());
            err.println(runner.progress().message());
            return UmbraCli.EXIT_FAILED;
        } finally {
            err.flush();
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
