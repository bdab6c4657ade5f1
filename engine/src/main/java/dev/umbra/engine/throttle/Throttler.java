package dev.umbra.engine.throttle;

import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.ThrottleOptions;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.sql.PasswordSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether copy and apply hold back: checks the writer's load and the replicas' lag about
 * once a second on a thread of its own (never per chunk, so a slow replica slows no chunk), and
 * keeps the answer for {@link #current()}, which is cheap enough to ask before every unit of
 * work, the cut-over included. A critical load aborts the migration through the given callback.
 */
public final class Throttler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Throttler.class);
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ThrottleOptions options;
    private final ConnectionSettings writer;
    private final String schema;
    private final Consumer<String> abort;
    private final List<ThrottleCheck> checks = new ArrayList<>();
    private ReplicaLagCheck replicaLag;
    private ScheduledExecutorService thread;
    private Connections writerSessions;
    private PasswordSource passwordSource;
    private volatile Optional<Hold> hold = Optional.empty();
    private volatile Instant checkedAt;

    /**
     * @param abort ends the migration (critical load) with a reason naming variable, value and limit
     */
    public Throttler(ThrottleOptions options, ConnectionSettings writer, String schema, Consumer<String> abort) {
        this.options = options;
        this.writer = writer;
        this.schema = schema;
        this.abort = abort;
    }

    /**
     * Starts checking, once the changelog (whose heartbeat the replicas are read for) exists; the
     * first round of checks has run when this returns.
     */
    /** Where the throttle's sessions (writer and replicas) get the password; the settings' own by default. */
    public synchronized void setPasswordSource(PasswordSource source) {
        this.passwordSource = source;
    }

    public synchronized void start(Changelog changelog) {
        if (options.isEmpty() || thread != null) {
            return;
        }
        writerSessions = new Connections(writer, schema);
        writerSessions.setPasswordSource(passwordSource);
        options.criticalLoad().ifPresent(limits -> checks.add(new CriticalLoad(new WriterStatus(writerSessions), limits, abort)));
        options.maxLoad().ifPresent(limits -> checks.add(new LoadCheck(new WriterStatus(writerSessions), limits)));
        if (!options.replicas().isEmpty()) {
            replicaLag = new ReplicaLagCheck(options.replicas(), writer, passwordSource, changelog,
                    options.effectiveMaxReplicaLag(), System::currentTimeMillis);
            checks.add(replicaLag);
        }
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread daemon = new Thread(runnable, "umbra-throttle");
            daemon.setDaemon(true);
            return daemon;
        });
        // The first round runs here, so that no chunk is copied before the throttle has looked once
        // (a load that is critical already aborts before anything is written to the ghost table).
        checkAll();
        thread.scheduleWithFixedDelay(this::checkAll, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why copy and apply should hold now, as of the last check (at most about a second old). */
    public Optional<Hold> current() {
        return hold;
    }

    /** Each replica's lag (by host:port) at the last check; empty when no replica is watched or none could be measured. */
    public Map<String, Duration> replicaLags() {
        ReplicaLagCheck check = replicaLag;
        return check == null ? Map.of() : check.lags();
    }

    /** When the checks last ran to the end; null before the first. */
    public Instant checkedAt() {
        return checkedAt;
    }

    private void checkAll() {
        try {
            Optional<Hold> found = Optional.empty();
            for (ThrottleCheck check : checks) {
                Optional<String> because = check.check();
                if (because.isPresent()) {
                    found = Optional.of(new Hold(check.kind(), because.get(), Instant.now()));
                    break;
                }
            }
            settle(found);
            checkedAt = Instant.now();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: hold, and say why
            settle(Optional.of(new Hold(Hold.Kind.CHECK_FAILED, "the throttle check failed: " + e, Instant.now())));
            log.warn("The throttle check failed", e);
        }
    }

    /** A hold of the same kind keeps its start; only a change of kind or reason is logged. */
    private void settle(Optional<Hold> found) {
        Optional<Hold> before = hold;
        if (found.isPresent() && before.isPresent() && before.get().kind() == found.get().kind()) {
            found = Optional.of(found.get().since(before.get().since()));
        }
        if (!found.map(Hold::reason).equals(before.map(Hold::reason))) {
            if (found.isPresent()) {
                log.info("Throttled: {}", found.get().reason());
            } else {
                log.info("Throttle released");
            }
        }
        hold = found;
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        checks.forEach(ThrottleCheck::close);
        checks.clear();
        if (writerSessions != null) {
            writerSessions.close();
            writerSessions = null;
        }
    }
}
