package dev.umbra.operator.status;

import dev.umbra.operator.model.SchemaMigrationStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The status conditions and how they change: the transition time moves only when the status does. */
public final class Conditions {

    /** True when the migration is Done: the table has its new definition. */
    public static final String READY = "Ready";
    /** True once the cut-over may proceed: approved by annotation, or Automatic. */
    public static final String CUT_OVER_APPROVED = "CutOverApproved";
    /** True once the umbra.dev/approve-plan annotation has been handed to the migration. */
    public static final String PLAN_APPROVED = "PlanApproved";
    /** True while the umbra.dev/paused annotation holds the migration. */
    public static final String PAUSED = "Paused";
    /** True once an abort (annotation or deletion) has been handed to the migration. */
    public static final String ABORT_REQUESTED = "AbortRequested";
    /**
     * True once a revert (annotation) has been handed to the run within its window; False, with the
     * reason, when the annotation could not be acted on.
     */
    public static final String REVERT_REQUESTED = "RevertRequested";
    /** True while copy and apply hold back (paused, or a throttle limit is exceeded). */
    public static final String THROTTLED = "Throttled";
    /** kstatus: True while the operator works on the migration (see {@link Lifecycle}). */
    public static final String RECONCILING = "Reconciling";
    /** kstatus: True when nothing more happens without a person (see {@link Lifecycle}). */
    public static final String STALLED = "Stalled";

    private Conditions() {
    }

    public static void set(SchemaMigrationStatus status, String type, boolean value, String reason, String message) {
        List<Condition> conditions = status.getConditions() == null ? new ArrayList<>() : new ArrayList<>(status.getConditions());
        String newStatus = value ? "True" : "False";
        Condition existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String transition = existing != null && newStatus.equals(existing.getStatus())
                ? existing.getLastTransitionTime() : Instant.now().toString();
        Condition condition = new Condition();
        condition.setType(type);
        condition.setStatus(newStatus);
        condition.setReason(reason);
        condition.setMessage(message);
        condition.setLastTransitionTime(transition);
        condition.setObservedGeneration(status.getObservedGeneration());
        if (existing != null) {
            conditions.set(conditions.indexOf(existing), condition);
        } else {
            conditions.add(condition);
        }
        status.setConditions(conditions);
    }

    /** The condition of this type, or null. */
    public static Condition get(SchemaMigrationStatus status, String type) {
        return status.getConditions() == null ? null
                : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /** The condition's status, if it is set. */
    public static boolean isTrue(SchemaMigrationStatus status, String type) {
        return status.getConditions() != null && status.getConditions().stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
