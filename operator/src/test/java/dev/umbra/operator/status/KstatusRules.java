package dev.umbra.operator.status;

import dev.umbra.operator.model.SchemaMigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * kstatus's reading of a custom resource (sigs.k8s.io/cli-utils, pkg/kstatus: the rules Flux,
 * {@code kubectl wait} and Argo CD's generic health follow), for a resource that is not being
 * deleted: a status of another generation is InProgress; {@code Reconciling=True} is InProgress;
 * {@code Stalled=True} is Failed; {@code Ready=False} is InProgress; anything else is Current.
 */
public final class KstatusRules {

    private KstatusRules() {
    }

    public static String of(long generation, SchemaMigrationStatus status) {
        if (status == null || status.getObservedGeneration() == null || status.getObservedGeneration() != generation) {
            return "InProgress";
        }
        if (is(status, "Reconciling", "True")) {
            return "InProgress";
        }
        if (is(status, "Stalled", "True")) {
            return "Failed";
        }
        if (is(status, "Ready", "False")) {
            return "InProgress";
        }
        return "Current";
    }

    private static boolean is(SchemaMigrationStatus status, String type, String value) {
        Condition condition = Conditions.get(status, type);
        return condition != null && value.equals(condition.getStatus());
    }
}
