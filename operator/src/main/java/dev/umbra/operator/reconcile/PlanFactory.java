package dev.umbra.operator.reconcile;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.CutOverSchedule;
import dev.umbra.engine.plan.CutOverWindow;
import dev.umbra.engine.plan.HostName;
import dev.umbra.engine.plan.Identifier;
import dev.umbra.engine.plan.LoadLimits;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.plan.ThrottleOptions;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.CutOverMethodName;
import dev.umbra.operator.model.CutOverSpec;
import dev.umbra.operator.model.CutOverWindowSpec;
import dev.umbra.operator.model.DatabaseSpec;
import dev.umbra.operator.model.ReplicaEndpoint;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.ThrottleSpec;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a spec as the API server would (the mock server and old clusters do not) and turns it into
 * the engine's plan. Fields left out take the CRD's defaults.
 */
public final class PlanFactory {

    /** Half an hour: long enough for a GitOps tool to create the Secret after the resource. */
    static final int DEFAULT_SETUP_TIMEOUT_SECONDS = 1800;

    /** The CRD's bound on spec.copy.chunkTimeMillis, checked here too for resources that skipped validation. */
    static final int MAX_CHUNK_TIME_MILLIS = 60_000;

    private PlanFactory() {
    }

    public static void validate(SchemaMigrationSpec spec) throws InvalidMigrationException {
        if (spec == null) {
            throw invalid("The SchemaMigration has no spec.");
        }
        DatabaseSpec database = spec.getDatabase();
        if (database == null) {
            throw invalid("spec.database is required.");
        }
        // Addresses and names are data, checked before anything connects (never URL text).
        requireValid(() -> HostName.check(trimmed(database.getHost()), "spec.database.host"));
        requireValid(() -> Identifier.check(database.getSchema(), "spec.database.schema"));
        if (database.getCredentialsSecretRef() == null) {
            throw invalid("spec.database.credentialsSecretRef is required.");
        }
        requireText(database.getCredentialsSecretRef().getName(), "spec.database.credentialsSecretRef.name");
        requireValid(() -> Identifier.check(spec.getTable(), "spec.table"));
        requireText(spec.getAlter(), "spec.alter");
        int port = database.portOrDefault();
        if (port < 1 || port > 65535) {
            throw invalid("spec.database.port must be between 1 and 65535, not " + port + ".");
        }
        CutOverSpec cutOver = spec.getCutOver();
        if (cutOver != null) {
            requireAtLeastOne(cutOver.getLockTimeoutSeconds(), "spec.cutOver.lockTimeoutSeconds");
            requireAtLeastOne(cutOver.getMaxAttempts(), "spec.cutOver.maxAttempts");
        }
        if (spec.getCopy() != null) {
            requireAtLeastOne(spec.getCopy().getChunkSize(), "spec.copy.chunkSize");
            Integer workers = spec.getCopy().getWorkers();
            if (workers != null && (workers < 1 || workers > MigrationOptions.MAX_COPY_WORKERS)) {
                throw invalid("spec.copy.workers must be between 1 and " + MigrationOptions.MAX_COPY_WORKERS + ", not "
                        + workers + ".");
            }
            Integer chunkTime = spec.getCopy().getChunkTimeMillis();
            if (chunkTime != null && (chunkTime < 0 || chunkTime > MAX_CHUNK_TIME_MILLIS)) {
                throw invalid("spec.copy.chunkTimeMillis must be between 0 (fixed chunks) and " + MAX_CHUNK_TIME_MILLIS
                        + ", not " + chunkTime + ".");
            }
        }
        if (database.getReplicas() != null) {
            for (int i = 0; i < database.getReplicas().size(); i++) {
                ReplicaEndpoint replica = database.getReplicas().get(i);
                String field = "spec.database.replicas[" + i + "].host";
                requireValid(() -> HostName.check(replica == null ? null : trimmed(replica.getHost()), field));
                int replicaPort = replica.portOrDefault();
                if (replicaPort < 1 || replicaPort > 65535) {
                    throw invalid("spec.database.replicas[" + i + "].port must be between 1 and 65535, not " + replicaPort + ".");
                }
            }
        }
        ThrottleSpec throttle = spec.getThrottle();
        if (throttle != null) {
            if (throttle.getMaxReplicaLagMillis() != null && throttle.getMaxReplicaLagMillis() < 1) {
                throw invalid("spec.throttle.maxReplicaLagMillis must be at least 1, not " + throttle.getMaxReplicaLagMillis() + ".");
            }
            parseLoad(throttle.getMaxLoad(), "spec.throttle.maxLoad");
            parseLoad(throttle.getCriticalLoad(), "spec.throttle.criticalLoad");
            if (throttle.getMaxReplicaLagMillis() != null
                    && (database.getReplicas() == null || database.getReplicas().isEmpty())) {
                throw invalid("spec.throttle.maxReplicaLagMillis needs the replicas to watch in spec.database.replicas.");
            }
        }
    }

    /**
     * The engine's plan.
     *
     * @param restart the run of this resource was interrupted (operator restart): it resumes from its
     *                checkpoint when that is valid; helper tables without a valid checkpoint are dropped and
     *                the migration starts over
     */
    public static MigrationPlan plan(SchemaMigrationSpec spec, DatabaseCredentials credentials, boolean restart)
            throws InvalidMigrationException {
        validate(spec);
        DatabaseSpec database = spec.getDatabase();
        CutOverSpec cutOver = spec.getCutOver() == null ? new CutOverSpec() : spec.getCutOver();
        MigrationOptions options = MigrationOptions.defaults()
                .withStatusInterval(Duration.ofMillis(500)) // the status recorder decides how often it is written
                .withAutoApproveCutOver(approval(spec) == Approval.AUTOMATIC)
                .withPlanApprovalRequired(spec.planApproval() == Approval.MANUAL)
                .withCutOverMethod(cutOver.getMethod() == CutOverMethodName.TWO_STEP ? CutOverMethod.TWO_STEP : CutOverMethod.ATOMIC)
                .withDropOldTable(spec.getCleanup() != null && Boolean.TRUE.equals(spec.getCleanup().getDropOldTable()))
                .withDropStaleGhostTable(restart)
                .withVerify(!Boolean.FALSE.equals(spec.getVerify()))
                .withInstantDdl(!Boolean.FALSE.equals(spec.getInstantDdl()));
        if (cutOver.getLockTimeoutSeconds() != null) {
            options = options.withCutOverLockTimeout(Duration.ofSeconds(cutOver.getLockTimeoutSeconds()));
        }
        if (cutOver.getMaxAttempts() != null) {
            options = options.withCutOverMaxAttempts(cutOver.getMaxAttempts());
        }
        options = options.withCutOverSchedule(schedule(cutOver));
        if (spec.getCopy() != null && spec.getCopy().getChunkSize() != null) {
            options = options.withChunkSize(spec.getCopy().getChunkSize());
        }
        if (spec.getCopy() != null && spec.getCopy().getChunkTimeMillis() != null) {
            options = options.withChunkTime(Duration.ofMillis(spec.getCopy().getChunkTimeMillis()));
        }
        if (spec.getCopy() != null && spec.getCopy().getWorkers() != null) {
            options = options.withCopyWorkers(spec.getCopy().getWorkers());
        }
        try {
            options = options.withThrottle(throttle(spec));
            return new MigrationPlan(new ConnectionSettings(database.getHost().strip(), database.portOrDefault(),
                    credentials.username(), credentials.password(), credentials.tls()), database.getSchema(), spec.getTable(), spec.getAlter(), options);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /** spec.cutOver.windows and notBefore; errors name the field. */
    static CutOverSchedule schedule(CutOverSpec cutOver) throws InvalidMigrationException {
        List<CutOverWindow> windows = new ArrayList<>();
        List<CutOverWindowSpec> specs = cutOver.getWindows() == null ? List.of() : cutOver.getWindows();
        for (int i = 0; i < specs.size(); i++) {
            CutOverWindowSpec window = specs.get(i);
            String field = "spec.cutOver.windows[" + i + "]";
            try {
                windows.add(new CutOverWindow(CutOverWindow.parseDays(window.getDays() == null ? List.of() : window.getDays()),
                        LocalTime.parse(String.valueOf(window.getStart())), LocalTime.parse(String.valueOf(window.getEnd())),
                        ZoneId.of(String.valueOf(window.getTimeZone()))));
            } catch (DateTimeException | IllegalArgumentException e) {
                throw invalid(field + ": " + e.getMessage() + " (a window is days, start and end as HH:MM, and an IANA"
                        + " timeZone such as Europe/Berlin)");
            }
        }
        Optional<Instant> notBefore = Optional.empty();
        if (cutOver.getNotBefore() != null) {
            try {
                notBefore = Optional.of(OffsetDateTime.parse(cutOver.getNotBefore()).toInstant());
            } catch (DateTimeException e) {
                throw invalid("spec.cutOver.notBefore: '" + cutOver.getNotBefore() + "' is not an RFC 3339 time such as"
                        + " 2026-12-24T22:00:00Z");
            }
        }
        return new CutOverSchedule(windows, notBefore);
    }

    /** spec.throttle with the replicas of spec.database.replicas, whose lag it measures. */
    static ThrottleOptions throttle(SchemaMigrationSpec spec) {
        ThrottleOptions options = ThrottleOptions.none();
        List<ReplicaEndpoint> replicas = spec.getDatabase().getReplicas();
        if (replicas != null && !replicas.isEmpty()) {
            List<ReplicaAddress> addresses = new ArrayList<>();
            for (ReplicaEndpoint replica : replicas) {
                addresses.add(new ReplicaAddress(replica.getHost(), replica.portOrDefault()));
            }
            options = options.withReplicas(addresses);
        }
        ThrottleSpec throttle = spec.getThrottle();
        if (throttle == null) {
            return options;
        }
        if (throttle.getMaxReplicaLagMillis() != null) {
            options = options.withMaxReplicaLag(Duration.ofMillis(throttle.getMaxReplicaLagMillis()));
        }
        if (throttle.getMaxLoad() != null) {
            options = options.withMaxLoad(LoadLimits.parse(throttle.getMaxLoad()));
        }
        if (throttle.getCriticalLoad() != null) {
            options = options.withCriticalLoad(LoadLimits.parse(throttle.getCriticalLoad()));
        }
        return options;
    }

    /** How long a missing Secret or an unreachable database is waited for (spec.setupTimeoutSeconds). */
    public static Duration setupTimeout(SchemaMigrationSpec spec) {
        return Duration.ofSeconds(spec.getSetupTimeoutSeconds() == null ? DEFAULT_SETUP_TIMEOUT_SECONDS : spec.getSetupTimeoutSeconds());
    }

    public static Approval approval(SchemaMigrationSpec spec) {
        return spec.getCutOver() == null || spec.getCutOver().getApproval() == null ? Approval.MANUAL : spec.getCutOver().getApproval();
    }

    private static void parseLoad(String text, String field) throws InvalidMigrationException {
        if (text != null) {
            try {
                LoadLimits.parse(text);
            } catch (IllegalArgumentException e) {
                throw invalid(field + ": " + e.getMessage());
            }
        }
    }

    private static void requireValid(Runnable check) throws InvalidMigrationException {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static String trimmed(String value) {
        return value == null ? null : value.strip();
    }

    private static void requireText(String value, String field) throws InvalidMigrationException {
        if (value == null || value.isBlank()) {
            throw invalid(field + " is required.");
        }
    }

    private static void requireAtLeastOne(Integer value, String field) throws InvalidMigrationException {
        if (value != null && value < 1) {
            throw invalid(field + " must be at least 1, not " + value + ".");
        }
    }

    private static InvalidMigrationException invalid(String message) {
        return new InvalidMigrationException("InvalidSpec", message);
    }
}
