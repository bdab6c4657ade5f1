package dev.umbra.operator.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine runs of this operator process: a bounded pool, one run per SchemaMigration (by uid),
 * at most one run per table. A run that ended is remembered, so that a stale cache can never start
 * it again; except a run that could not start (its table's lock held by a run outside this
 * process, its database unreachable), which starts again after a pause ({@link StartRetry}).
 */
public final class MigrationRuns implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationRuns.class);

    private final int limit;
    private final ExecutorService pool;
    private final Map<String, ActiveMigration> active = new HashMap<>();
    private final Map<TableKey, ActiveMigration> byTable = new HashMap<>();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final Map<String, StartRetry> retries = new HashMap<>();
    private final Duration firstRetryPause;
    private boolean closing;

    /** @param firstRetryPause the first pause before a migration that could not start is tried again ({@link StartRetry}) */
    public MigrationRuns(int limit, Duration firstRetryPause) {
        this.firstRetryPause = firstRetryPause;
        if (limit < 1) {
            throw new IllegalArgumentException("at least one migration must be allowed to run, not " + limit);
        }
        this.limit = limit;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(limit, runnable -> {
            Thread thread = new Thread(runnable, "umbra-migration-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public synchronized Optional<ActiveMigration> active(String uid) {
        return Optional.ofNullable(active.get(uid));
    }

    /** True once a run of this uid has ended in this process. */
    public boolean hasEnded(String uid) {
        return ended.contains(uid);
    }

    /**
     * Starts the run that {@code create} builds, unless its table is taken or every slot is; the
     * check and the start are one step, so two resources cannot both take a table.
     */
    public synchronized StartOutcome tryStart(String uid, TableKey table, Function<Runnable, ActiveMigration> create) {
        if (closing) {
            return new StartOutcome.ShuttingDown();
        }
        StartRetry retry = retries.get(uid);
        if (retry != null && Instant.now().isBefore(retry.notBefore())) {
            return new StartOutcome.RetryLater();
        }
        ActiveMigration ahead = byTable.get(table);
        if (ahead != null) {
            return new StartOutcome.TableBusy(ahead.displayName());
        }
        if (active.size() >= limit) {
            return new StartOutcome.NoFreeSlot(limit);
        }
        ActiveMigration[] created = new ActiveMigration[1];
        created[0] = create.apply(() -> ended(uid, table, created[0]));
        active.put(uid, created[0]);
        byTable.put(table, created[0]);
        pool.execute(created[0]::run);
        return new StartOutcome.Started(created[0]);
    }

    private synchronized void ended(String uid, TableKey table, ActiveMigration migration) {
        Optional<ActiveMigration.StartProblem> problem = migration.startProblem();
        if (problem.isPresent()) {
            retries.put(uid, StartRetry.after(retries.get(uid), problem.get().reason(), problem.get().message(),
                    problem.get().setupProblem(), Instant.now(), firstRetryPause));
        } else {
            retries.remove(uid);
            ended.add(uid);
        }
        active.remove(uid, migration);
        byTable.remove(table, migration);
    }

    /** Why the last try to start this migration did not, and when to try again; empty if it has not failed to start. */
    public synchronized Optional<StartRetry> retry(String uid) {
        return Optional.ofNullable(retries.get(uid));
    }

    /** A migration could not start (its Secret, its database): noted for the next try, after a pause. */
    public synchronized StartRetry couldNotStart(String uid, String reason, String message) {
        StartRetry retry = StartRetry.after(retries.get(uid), reason, message, true, Instant.now(), firstRetryPause);
        retries.put(uid, retry);
        return retry;
    }

    /** The migration failed for good or started: no retry streak is kept. */
    public synchronized void stopRetrying(String uid) {
        retries.remove(uid);
    }

    /** Forgets a deleted resource. */
    public synchronized void forget(String uid) {
        retries.remove(uid);
        ended.remove(uid);
    }

    /** How many runs are active now. */
    public synchronized int activeCount() {
        return active.size();
    }

    /**
     * Stops every run for a hand-over ({@link ActiveMigration#stopForHandover()}: no end recorded, the
     * helper tables kept, so that the next operator takes it over), starts no new one, and waits a
     * while for them to stop.
     */
    @Override
    public void close() {
        List<ActiveMigration> running;
        synchronized (this) {
            closing = true;
            running = new ArrayList<>(active.values());
        }
        running.forEach(ActiveMigration::stopForHandover);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                log.warn("{} migration(s) did not stop within 30 s", running.size());
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
