package dev.umbra.operator.deploy;

import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.Lifecycle;

/** A SchemaMigration whose status is what the operator writes in a phase: what health checks read. */
final class MigrationInPhase {

    private MigrationInPhase() {
    }

    /** {@code approved}: the plan and the cut-over, each approved by its annotation. */
    static SchemaMigration of(MigrationPhase phase, boolean approved) {
        SchemaMigration migration = new SchemaMigration();
        migration.getMetadata().setName("items-add-status");
        migration.getMetadata().setGeneration(1L);
        SchemaMigrationStatus status = new SchemaMigrationStatus();
        status.setObservedGeneration(1L);
        status.setPhase(phase);
        status.setMessage(phase.displayName() + ": ...");
        Conditions.set(status, Conditions.PLAN_APPROVED, approved, "test", "test");
        Conditions.set(status, Conditions.CUT_OVER_APPROVED, approved, "test", "test");
        Conditions.set(status, Conditions.READY, phase == MigrationPhase.DONE, phase.displayName(), "test");
        Lifecycle.derive(status);
        migration.setStatus(status);
        return migration;
    }

    /** Paused by the annotation, as the operator records it. */
    static SchemaMigration paused(MigrationPhase phase) {
        SchemaMigration paused = of(phase, true);
        Conditions.set(paused.getStatus(), Conditions.PAUSED, true, "PausedByAnnotation", "paused");
        Lifecycle.derive(paused.getStatus());
        return paused;
    }
}
