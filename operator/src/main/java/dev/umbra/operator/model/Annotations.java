package dev.umbra.operator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/**
 * The annotations users set on a SchemaMigration to steer it. Each takes effect when its value is
 * {@code "true"} (case-insensitive); any other value, or none, means no.
 */
public final class Annotations {

    /** Lets a migration waiting in AwaitingPlanApproval go on (spec.approval.plan Manual). */
    public static final String APPROVE_PLAN = SchemaMigration.GROUP + "/approve-plan";
    /** Lets the cut-over proceed when {@code spec.cutOver.approval} is Manual. */
    public static final String APPROVE_CUT_OVER = SchemaMigration.GROUP + "/approve-cut-over";
    /** Holds copy and apply (a Pending migration does not start); removing it resumes. */
    public static final String PAUSED = SchemaMigration.GROUP + "/paused";
    /** Aborts the migration: the helper tables are dropped and the original stays as it is. */
    public static final String ABORT = SchemaMigration.GROUP + "/abort";
    /**
     * Within the revert window after the cut-over (spec.revert.window): swaps the tables back, so that
     * the table has its old definition with every row written since; the phase becomes Reverted.
     */
    public static final String REVERT = SchemaMigration.GROUP + "/revert";

    private Annotations() {
    }

    public static boolean isSet(HasMetadata resource, String annotation) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations != null && "true".equalsIgnoreCase(String.valueOf(annotations.get(annotation)).trim());
    }
}
