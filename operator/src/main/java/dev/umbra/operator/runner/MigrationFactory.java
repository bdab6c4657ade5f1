package dev.umbra.operator.runner;

import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.engine.sql.PasswordSource;
import dev.umbra.operator.metrics.MigrationMetrics;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.status.Events;
import dev.umbra.operator.status.StatusRecorder;
import java.time.Clock;
import java.util.function.Function;

/**
 * Builds the engine runner for a plan (its throttle, from spec.throttle and spec.database.replicas,
 * is part of the plan's options), wrapped as an {@link ActiveMigration}.
 */
public final class MigrationFactory {

    private MigrationFactory() {
    }

    /** @param password where every session gets the password when it logs in (the Secret, read again) */
    public static Function<Runnable, ActiveMigration> of(SchemaMigration resource, MigrationPlan plan, PasswordSource password,
                                                         boolean manualApproval, StatusRecorder recorder, Events events,
                                                         MigrationMetrics metrics) {
        return onEnd -> {
            ProgressSink sink = new ProgressSink(resource, recorder, events, metrics, Clock.systemUTC());
            MigrationRunner runner = new MigrationRunner(plan, sink);
            runner.setPasswordSource(password);
            return new ActiveMigration(resource, runner, sink, plan.options().revert(), recorder, events, manualApproval, onEnd);
        };
    }
}
