package dev.umbra.operator.reconcile;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.CutOverSchedule;
import dev.umbra.engine.plan.CutOverWindow;
import dev.umbra.engine.plan.HostName;
import dev.umbra.engine.plan.Identifier;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.plan.OptionsForm;
import dev.umbra.engine.plan.ReplicaAddress;
import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.CopySpec;
import dev.umbra.operator.model.CutOverMethodName;
import dev.umbra.operator.model.CutOverSpec;
import dev.umbra.operator.model.CutOverWindowSpec;
import dev.umbra.operator.model.DatabaseSpec;
import dev.umbra.operator.model.ReplicaEndpoint;
import dev.umbra.operator.model.RevertSpec;
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
import java.util.Map;
import java.util.Optional;

/**
 * Checks a spec as the API server would (the mock server and old clusters do not) and turns it into
 * the engine's plan. Fields left out take the CRD's defaults.
 */
public final class PlanFactory {

    /** Half an hour: long enough for a GitOps tool to create the Secret after the resource. */
    static final int DEFAULT_SETUP_TIMEOUT_SECONDS = 1800;

    /** The options' fields as a SchemaMigration's spec names them. */
    private static final Map<OptionsForm.Field, String> SPEC_FIELDS = Map.ofEntries(
            Map.entry(OptionsForm.Field.CHUNK_SIZE, "spec.copy.chunkSize"),
            Map.entry(OptionsForm.Field.CHUNK_TIME_MILLIS, "spec.copy.chunkTimeMillis"),
            Map.entry(OptionsForm.Field.COPY_WORKERS, "spec.copy.workers"),
            Map.entry(OptionsForm.Field.APPLY_SESSIONS, "spec.copy.applySessions"),
            Map.entry(OptionsForm.Field.CUT_OVER_LOCK_TIMEOUT_SECONDS, "spec.cutOver.lockTimeoutSeconds"),
            Map.entry(OptionsForm.Field.CUT_OVER_MAX_ATTEMPTS, "spec.cutOver.maxAttempts"),
            Map.entry(OptionsForm.Field.MAX_REPLICA_LAG_MILLIS, "spec.throttle.maxReplicaLagMillis"),
            Map.entry(OptionsForm.Field.MAX_LOAD, "spec.throttle.maxLoad"),
            Map.entry(OptionsForm.Field.CRITICAL_LOAD, "spec.throttle.criticalLoad"),
            Map.entry(OptionsForm.Field.REPLICAS, "spec.database.replicas"),
            Map.entry(OptionsForm.Field.REVERT_WINDOW, "spec.revert.window"),
            Map.entry(OptionsForm.Field.REVERT_ACCEPT_LOSS, "spec.revert.acceptLoss"));

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
        options(spec);
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
        MigrationOptions options = options(spec).withDropStaleGhostTable(restart);
        try {
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

    /**
     * The options of the spec, checked by the engine's one form (the CLI uses it too), each error
     * naming its field; fields left out take the CRD's defaults.
     */
    static MigrationOptions options(SchemaMigrationSpec spec) throws InvalidMigrationException {
        CutOverSpec cutOver = spec.getCutOver() == null ? new CutOverSpec() : spec.getCutOver();
        CopySpec copy = spec.getCopy() == null ? new CopySpec() : spec.getCopy();
        ThrottleSpec throttle = spec.getThrottle() == null ? new ThrottleSpec() : spec.getThrottle();
        RevertSpec revert = spec.getRevert() == null ? new RevertSpec() : spec.getRevert();
        CutOverSchedule schedule = schedule(cutOver);
        try {
            return new OptionsForm(SPEC_FIELDS, MigrationOptions.defaults())
                    .chunkSize(copy.getChunkSize()).chunkTimeMillis(copy.getChunkTimeMillis()).copyWorkers(copy.getWorkers())
                    .applySessions(copy.getApplySessions())
                    .cutOverLockTimeoutSeconds(cutOver.getLockTimeoutSeconds()).cutOverMaxAttempts(cutOver.getMaxAttempts())
                    .replicas(replicas(spec)).maxReplicaLagMillis(throttle.getMaxReplicaLagMillis())
                    .maxLoad(throttle.getMaxLoad()).criticalLoad(throttle.getCriticalLoad())
                    .revert(revert.getWindow(), Boolean.TRUE.equals(revert.getAcceptLoss()))
                    .with(base -> base
                            .withStatusInterval(Duration.ofMillis(500)) // the status recorder decides how often it is written
                            .withAutoApproveCutOver(approval(spec) == Approval.AUTOMATIC)
                            .withPlanApprovalRequired(spec.planApproval() == Approval.MANUAL)
                            .withCutOverMethod(cutOver.getMethod() == CutOverMethodName.TWO_STEP ? CutOverMethod.TWO_STEP
                                    : CutOverMethod.ATOMIC)
                            .withDropOldTable(spec.getCleanup() != null && Boolean.TRUE.equals(spec.getCleanup().getDropOldTable()))
                            .withVerify(!Boolean.FALSE.equals(spec.getVerify()))
                            .withInstantDdl(!Boolean.FALSE.equals(spec.getInstantDdl()))
                            .withCutOverSchedule(schedule))
                    .build();
        } catch (OptionsForm.InvalidOptionsException e) {
            throw invalid(e.getMessage());
        }
    }

    /**
     * spec.revert as the engine takes it, read alone (for what the revert annotation finds); no window
     * where it is invalid, as a migration with an invalid spec never runs.
     */
    public static RevertOptions revert(SchemaMigrationSpec spec) {
        RevertSpec revert = spec == null || spec.getRevert() == null ? new RevertSpec() : spec.getRevert();
        try {
            return new OptionsForm(SPEC_FIELDS, MigrationOptions.defaults())
                    .revert(revert.getWindow(), Boolean.TRUE.equals(revert.getAcceptLoss())).build().revert();
        } catch (OptionsForm.InvalidOptionsException e) {
            return RevertOptions.off();
        }
    }

    /** spec.database.replicas, whose lag the throttle measures (their hosts are checked by {@link #validate}). */
    private static List<ReplicaAddress> replicas(SchemaMigrationSpec spec) {
        List<ReplicaAddress> addresses = new ArrayList<>();
        List<ReplicaEndpoint> replicas = spec.getDatabase().getReplicas();
        for (ReplicaEndpoint replica : replicas == null ? List.<ReplicaEndpoint>of() : replicas) {
            addresses.add(new ReplicaAddress(replica.getHost().strip(), replica.portOrDefault()));
        }
        return addresses;
    }

    /** How long a missing Secret or an unreachable database is waited for (spec.setupTimeoutSeconds). */
    public static Duration setupTimeout(SchemaMigrationSpec spec) {
        return Duration.ofSeconds(spec.getSetupTimeoutSeconds() == null ? DEFAULT_SETUP_TIMEOUT_SECONDS : spec.getSetupTimeoutSeconds());
    }

    public static Approval approval(SchemaMigrationSpec spec) {
        return spec.getCutOver() == null || spec.getCutOver().getApproval() == null ? Approval.MANUAL : spec.getCutOver().getApproval();
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

    private static InvalidMigrationException invalid(String message) {
        return new InvalidMigrationException("InvalidSpec", message);
    }
}
