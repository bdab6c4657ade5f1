package dev.umbra.operator.reconcile;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.CutOverMethod;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.CutOverMethodName;
import dev.umbra.operator.model.CutOverSpec;
import dev.umbra.operator.model.DatabaseSpec;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.ThrottleSpec;
import dev.umbra.operator.throttle.LoadLimits;
import java.time.Duration;

/**
 * Checks a spec as the API server would (the mock server and old clusters do not) and turns it into
 * the engine's plan. Fields left out take the CRD's defaults.
 */
public final class PlanFactory {

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
        requireText(database.getHost(), "spec.database.host");
        requireText(database.getSchema(), "spec.database.schema");
        if (database.getCredentialsSecretRef() == null) {
            throw invalid("spec.database.credentialsSecretRef is required.");
        }
        requireText(database.getCredentialsSecretRef().getName(), "spec.database.credentialsSecretRef.name");
        requireText(spec.getTable(), "spec.table");
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
        }
        ThrottleSpec throttle = spec.getThrottle();
        if (throttle != null) {
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
     * @param restart the run of this resource was interrupted (operator restart): its helper tables
     *                are dropped and the migration starts over
     */
    public static MigrationPlan plan(SchemaMigrationSpec spec, DatabaseCredentials credentials, boolean restart)
            throws InvalidMigrationException {
        validate(spec);
        DatabaseSpec database = spec.getDatabase();
        CutOverSpec cutOver = spec.getCutOver() == null ? new CutOverSpec() : spec.getCutOver();
        MigrationOptions options = MigrationOptions.defaults()
                .withStatusInterval(Duration.ofMillis(500)) // the status recorder decides how often it is written
                .withAutoApproveCutOver(approval(spec) == Approval.AUTOMATIC)
                .withCutOverMethod(cutOver.getMethod() == CutOverMethodName.TWO_STEP ? CutOverMethod.TWO_STEP : CutOverMethod.ATOMIC)
                .withDropOldTable(spec.getCleanup() != null && Boolean.TRUE.equals(spec.getCleanup().getDropOldTable()))
                .withDropStaleGhostTable(restart)
                .withVerify(!Boolean.FALSE.equals(spec.getVerify()))
                // The resource has no field for the instant-DDL fast path yet: the operator always copies.
                .withInstantDdl(false);
        if (cutOver.getLockTimeoutSeconds() != null) {
            options = options.withCutOverLockTimeout(Duration.ofSeconds(cutOver.getLockTimeoutSeconds()));
        }
        if (cutOver.getMaxAttempts() != null) {
            options = options.withCutOverMaxAttempts(cutOver.getMaxAttempts());
        }
        if (spec.getCopy() != null && spec.getCopy().getChunkSize() != null) {
            options = options.withChunkSize(spec.getCopy().getChunkSize());
        }
        try {
            return new MigrationPlan(new ConnectionSettings(database.getHost().trim(), database.portOrDefault(),
                    credentials.username(), credentials.password()), database.getSchema(), spec.getTable(), spec.getAlter(), options);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
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
