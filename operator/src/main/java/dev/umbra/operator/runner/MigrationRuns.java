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
 * it again; except a run that found its table's migration lock held by a run outside this process,
 * which starts again after a pause that grows up to a minute.
 */
public final class MigrationRuns implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationRuns.class);

    private final int limit;
    private final ExecutorService pool;
    private final Map<String, ActiveMigration> active = new HashMap<>();
    private final Map<TableKey, ActiveMigration> byTable = new HashMap<>();
    private static final Duration LOCK_RETRY_FIRST = Duration.ofSeconds(5);
    private static final Duration LOCK_RETRY_LONGEST = Duration.ofSeconds(60);

    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final Map<String, LockRetry> lockRetries = new HashMap<>();
    private boolean closing;

    public MigrationRuns(int limit) {
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
        LockRetry retry = lockRetries.get(uid);
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
        if (migration.foundTableInUse()) {
            LockRetry previous = lockRetries.get(uid);
            int attempts = previous == null ? 1 : previous.attempts() + 1;
            Duration pause = LOCK_RETRY_FIRST.multipliedBy(1L << Math.min(attempts - 1, 4));
            lockRetries.put(uid, new LockRetry(attempts, Instant.now().plus(pause.compareTo(LOCK_RETRY_LONGEST) > 0
                    ? LOCK_RETRY_LONGEST : pause)));
        } else {
            lockRetries.remove(uid);
            ended.add(uid);
        }
        active.remove(uid, migration);
        byTable.remove(table, migration);
    }

    /** Forgets a deleted resource. */
    public synchronized void forget(String uid) {
        lockRetries.remove(uid);
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

    /** How often a run found its table locked, and when it may try again. */
    private record LockRetry(int attempts, Instant notBefore) {
    }
}
