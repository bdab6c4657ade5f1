package dev.umbra.operator.metrics;

import dev.umbra.engine.progress.Progress;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.status.ProgressStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Per-migration gauges, labelled namespace, name and table, from the progress the engine publishes.
 * A migration's series appear with its first progress and stay (with its final values) until its
 * SchemaMigration is deleted.
 */
public final class MigrationMetrics {

    public static final String ROWS_COPIED = "umbra.migration.rows.copied";
    public static final String ROWS_ESTIMATED = "umbra.migration.rows.estimated";
    public static final String EVENTS_APPLIED = "umbra.migration.binlog.events.applied";
    public static final String APPLY_BACKLOG = "umbra.migration.apply.backlog";
    public static final String APPLY_LAG = "umbra.migration.apply.lag.seconds";
    public static final String THROTTLED = "umbra.migration.throttled";
    public static final String PHASE = "umbra.migration.phase";
    public static final String CUT_OVER_ATTEMPTS = "umbra.migration.cut.over.attempts";
    public static final String LAST_LOCK = "umbra.migration.last.lock.seconds";
    /** Every cut-over attempt's lock time, as a histogram: {@code umbra_cut_over_lock_seconds_bucket}. */
    public static final String CUT_OVER_LOCK = "umbra.cut.over.lock";

    private final MeterRegistry registry;
    private final Map<MigrationKey, Series> series = new ConcurrentHashMap<>();

    public MigrationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Records the latest progress of a migration (registers its series on first sight). */
    public void record(String namespace, String name, String table, Progress progress) {
        Series recorded = series.computeIfAbsent(new MigrationKey(namespace, name), key -> register(key, table));
        synchronized (recorded) {
            // Each attempt's lock time goes into the histogram once, when its attempt is first seen.
            if (progress.cutOverAttempts() > recorded.attemptsTimed && progress.lastLockTime().isPresent()) {
                recorded.lockTimes.record(progress.lastLockTime().get());
                recorded.attemptsTimed = progress.cutOverAttempts();
            }
            recorded.latest = progress;
        }
    }

    /** Removes every series of the migration (its SchemaMigration was deleted). */
    public void forget(String namespace, String name) {
        Series removed = series.remove(new MigrationKey(namespace, name));
        if (removed != null) {
            removed.meters.forEach(registry::remove);
        }
    }

    private Series register(MigrationKey key, String table) {
        Series created = new Series();
        Tags tags = Tags.of("namespace", key.namespace(), "name", key.name(), "table", table);
        // Monotonic counts are counters (Prometheus: *_total); levels are gauges.
        counter(created, ROWS_COPIED, "Rows copied into the ghost table", tags, Progress::rowsCopied);
        gauge(created, ROWS_ESTIMATED, "The server's estimate of the table's rows at the start", tags, Progress::rowsEstimated);
        counter(created, EVENTS_APPLIED, "Binlog row changes applied to the ghost table", tags, Progress::eventsApplied);
        gauge(created, APPLY_BACKLOG, "Binlog row changes received but not yet applied", tags, Progress::applyBacklog);
        gauge(created, APPLY_LAG, "How far the ghost table is behind the original (NaN before the first heartbeat)", tags,
                progress -> progress.applyLag().map(lag -> lag.toMillis() / 1000.0).orElse(Double.NaN));
        gauge(created, THROTTLED, "1 while copy and apply are held (throttled or paused), else 0", tags,
                progress -> !ProgressStatus.runEnded(progress) && progress.throttle().isPresent() ? 1 : 0);
        counter(created, CUT_OVER_ATTEMPTS, "Cut-over attempts made", tags, Progress::cutOverAttempts);
        created.lockTimes = Timer.builder(CUT_OVER_LOCK)
                .description("How long each cut-over attempt held writers blocked")
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        created.meters.add(created.lockTimes);
        gauge(created, LAST_LOCK, "How long the last cut-over attempt held writers blocked (NaN before the first)", tags,
                progress -> progress.lastLockTime().map(lock -> lock.toMillis() / 1000.0).orElse(Double.NaN));
        for (MigrationPhase phase : MigrationPhase.values()) {
            gauge(created, PHASE, "1 for the phase the migration is in, 0 for the others", tags.and("phase", phase.displayName()),
                    progress -> ProgressStatus.phaseOf(progress.phase()) == phase ? 1 : 0);
        }
        return created;
    }

    private void counter(Series owner, String name, String help, Tags tags, ToDoubleFunction<Progress> value) {
        owner.meters.add(FunctionCounter.builder(name, owner, series -> series.latest == null ? 0 : value.applyAsDouble(series.latest))
                .description(help)
                .tags(tags)
                .register(registry));
    }

    private void gauge(Series owner, String name, String help, Tags tags, ToDoubleFunction<Progress> value) {
        owner.meters.add(Gauge.builder(name, owner, series -> series.latest == null ? Double.NaN : value.applyAsDouble(series.latest))
                .description(help)
                .tags(tags)
                .register(registry));
    }

    private record MigrationKey(String namespace, String name) {
    }

    private static final class Series {
        final List<Meter> meters = new ArrayList<>();
        volatile Progress latest;
        Timer lockTimes;
        int attemptsTimed;
    }
}
