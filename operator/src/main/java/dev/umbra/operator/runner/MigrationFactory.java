package dev.umbra.operator.runner;

import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.operator.metrics.MigrationMetrics;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.ThrottleSpec;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.StatusRecorder;
import dev.umbra.operator.throttle.ThrottleProbe;
import java.util.function.Function;

/** Builds the engine runner for a plan, with the throttle the spec asks for, wrapped as an {@link ActiveMigration}. */
public final class MigrationFactory {

    private MigrationFactory() {
    }

    public static Function<Runnable, ActiveMigration> of(SchemaMigration resource, MigrationPlan plan, boolean manualApproval,
                                                         StatusRecorder recorder, Events events, MigrationMetrics metrics) {
        return onEnd -> {
            ThrottleSpec throttle = resource.getSpec().getThrottle();
            ThrottleProbe[] probe = new ThrottleProbe[1];
            MigrationRunner[] runner = new MigrationRunner[1];
            ProgressSink sink = new ProgressSink(resource, recorder, events,
                    () -> probe[0] == null ? -1 : probe[0].replicaLagMillis(), metrics);
            runner[0] = new MigrationRunner(plan, sink);
            if (throttle != null && (throttle.getMaxLoad() != null || throttle.getCriticalLoad() != null
                    || throttle.getMaxReplicaLagMillis() != null)) {
                probe[0] = new ThrottleProbe(plan.connection(), plan.schema(), resource.getSpec().getDatabase().getReplicas(),
                        throttle, runner[0].control());
                runner[0].setExternalThrottle(probe[0]);
            }
            return new ActiveMigration(resource, runner[0], recorder, events, manualApproval, () -> {
                if (probe[0] != null) {
                    probe[0].close();
                }
                onEnd.run();
            });
        };
    }
}
