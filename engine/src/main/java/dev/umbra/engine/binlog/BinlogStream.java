package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import dev.umbra.engine.logging.LogContext;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.sql.PasswordSource;
import dev.umbra.engine.sql.UnsafeToContinueException;
import dev.umbra.engine.tls.TlsFailure;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the binary log from a given position and hands over, whole transaction by whole
 * transaction, the row changes of the followed tables of one schema.
 *
 * <p>Transactions leave this class each with the position past its commit; one with more than
 * {@link #PIECE_CHANGES} row changes (or {@link #PIECE_BYTES} of row images) leaves in pieces
 * before that (see {@link BinlogTransaction}), so that no transaction, however large, is held
 * whole in memory. When the connection drops, the partial transaction is discarded and the stream
 * reconnects from the end of the last complete one, so nothing is lost; pieces of the transaction
 * it was inside are handed over again, which applying tolerates. The library's own
 * keep-alive reconnect is off because it resumes from the last event, which can be mid-transaction
 * (and on MariaDB 11.4, row events carry no next position at all).
 *
 * <p>The hand-over queue is bounded in transactions and in bytes ({@link TransactionQueue}): when
 * the applier falls behind (or is paused), reading stops and the server holds the backlog, so
 * memory stays bounded.
 */
public final class BinlogStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BinlogStream.class);
    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    /** The server sends a heartbeat event after this long with nothing else to send. */
    private static final long HEARTBEAT_MILLIS = 1_000;
    /**
     * No event and no heartbeat for this long: the connection went silent without a reset (a lost
     * node, a black-holing firewall), which the socket itself would not notice for hours.
     */
    static final long SILENCE_LIMIT_MILLIS = 10_000;

    private final ConnectionSettings settings;
    private final String schema;
    private static final long HAND_OVER_POLL_MILLIS = 100;

    private final Set<String> tables;
    /** A transaction with more row changes than this is handed over in pieces of at most this many. */
    public static final int PIECE_CHANGES = 10_000;
    /** Or with row images holding more than this, roughly. */
    public static final long PIECE_BYTES = 16L << 20;

    private final TransactionQueue sink;
    private final Map<Long, String> followedTableIds = new HashMap<>();
    private final PendingTransaction pending = new PendingTransaction(PIECE_CHANGES, PIECE_BYTES);
    private final AtomicInteger reconnects = new AtomicInteger();

    /** The threads of the stream (the client's, reconnects) log in the context of the thread that created it. */
    private final LogContext logContext = LogContext.capture();
    private volatile BinaryLogClient client;
    private volatile BinlogPosition lastComplete;
    private volatile boolean closing;
    /** When the connection last delivered anything (System.nanoTime()). */
    private volatile long lastHeardNanos;
    /** Whether the client's thread waits for room in the queue: then it reads nothing, and silence means nothing. */
    private volatile boolean waitingForRoom;
    private ScheduledExecutorService silenceWatch;
    private volatile Exception failure;
    private volatile boolean gaveUp;
    private GtidTracker gtids;
    private boolean inTransaction;

    /** What must hold before the stream reconnects: it fails the stream for good by throwing {@link UnsafeToContinueException}. */
    @FunctionalInterface
    public interface ReconnectCheck {
        void check(BinlogPosition from) throws Exception;
    }

    private volatile ReconnectCheck reconnectCheck = from -> { };
    private volatile PasswordSource passwordSource;

    public BinlogStream(ConnectionSettings settings, String schema, Set<String> tables, TransactionQueue sink) {
        this.settings = settings;
        this.schema = schema;
        this.tables = Set.copyOf(tables);
        this.sink = sink;
    }

    /**
     * Checked before every reconnect: a position means something only on the server that wrote
     * it, and only while its binary log is still there.
     */
    public void setReconnectCheck(ReconnectCheck check) {
        this.reconnectCheck = check;
    }

    /** Where each connection gets the password; the settings' own by default. */
    public void setPasswordSource(PasswordSource source) {
        this.passwordSource = source;
    }

    /** Connects and starts streaming from {@code from}; returns once connected. */
    public synchronized void start(BinlogPosition from) throws IOException, TimeoutException {
        lastComplete = from;
        connect();
        silenceWatch = Executors.newSingleThreadScheduledExecutor(logContext.threadFactory("umbra-binlog-watch"));
        silenceWatch.scheduleWithFixedDelay(this::dropIfSilent, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A connection that went silent is dropped, so that the stream reconnects as after any loss. */
    private void dropIfSilent() {
        BinaryLogClient current = client;
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
        if (closing || current == null || !current.isConnected() || waitingForRoom || silentMillis < SILENCE_LIMIT_MILLIS) {
            return;
        }
        log.warn("The binlog connection delivered nothing, not even a heartbeat, for {} ms; dropping it to reconnect", silentMillis);
        try {
            current.disconnect();
        } catch (IOException e) {
            log.debug("Dropping the silent binlog connection: {}", e.getMessage());
        }
    }

    /** The end of the last complete transaction received (whether or not it concerned our tables). */
    public BinlogPosition lastComplete() {
        return lastComplete;
    }

    public int reconnects() {
        return reconnects.get();
    }

    /** Why the stream gave up, if it did: reconnecting failed for longer than the retry budget. */
    public java.util.Optional<Exception> failure() {
        return gaveUp ? java.util.Optional.of(failure) : java.util.Optional.empty();
    }

    /** Drops the connection as a network fault would; the stream reconnects by itself. */
    public void simulateDisconnect() throws IOException {
        BinaryLogClient current = client;
        if (current != null) {
            current.disconnect();
        }
    }

    private void connect() throws IOException, TimeoutException {
        PasswordSource source = passwordSource;
        BinaryLogClient fresh = new BinaryLogClient(settings.host(), settings.port(), settings.user(),
                source == null ? settings.password() : source.currentPassword());
        fresh.setServerId(ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L));
        fresh.setKeepAlive(false);
        fresh.setHeartbeatInterval(HEARTBEAT_MILLIS);
        BinlogTls.configure(fresh, settings.tls(), settings.host(), settings.port());
        fresh.setEventDeserializer(BinlogDeserializer.create(this::isFollowed));
        fresh.setThreadFactory(runnable -> new Thread(logContext.wrap(runnable), "umbra-binlog-" + settings.host() + ":" + settings.port()));
        if (lastComplete.hasGtids()) {
            fresh.setGtidSet(lastComplete.gtidSet());
            gtids = GtidTracker.startingAt(lastComplete.gtidSet());
        } else {
            fresh.setBinlogFilename(lastComplete.file());
            fresh.setBinlogPosition(lastComplete.position());
        }
        fresh.registerEventListener(this::onEvent);
        fresh.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onDisconnect(BinaryLogClient disconnected) {
                if (!closing && disconnected == client) {
                    Thread reconnect = new Thread(logContext.wrap(BinlogStream.this::reconnect), "umbra-binlog-reconnect");
                    reconnect.setDaemon(true);
                    reconnect.start();
                }
            }
        });
        synchronized (pending) {
            pending.clear();
            followedTableIds.clear();
            inTransaction = false;
            if (gtids != null) {
                gtids.discardPartial();
            }
        }
        client = fresh;
        lastHeardNanos = System.nanoTime();
        try {
            fresh.connect(CONNECT_TIMEOUT_MILLIS);
            lastHeardNanos = System.nanoTime();
        } catch (IOException e) {
            Optional<String> tlsReason = TlsFailure.explain(e, settings.tls(), settings.host() + ":" + settings.port());
            if (tlsReason.isPresent()) {
                throw new IOException("the binlog stream could not connect: " + tlsReason.get(), e);
            }
            throw e;
        }
    }

    private void reconnect() {
        long delayMillis = 100;
        for (int attempt = 1; attempt <= 30 && !closing; attempt++) {
            try {
                Thread.sleep(delayMillis);
                log.warn("Binlog connection lost; reconnecting from {} (attempt {})", lastComplete, attempt);
                reconnectCheck.check(lastComplete);
                synchronized (this) {
                    if (closing) {
                        return;
                    }
                    connect();
                }
                reconnects.incrementAndGet();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (UnsafeToContinueException e) {
                failure = e;
                gaveUp = true;
                log.error("The binlog stream stops: {}", e.getMessage());
                return;
            } catch (Exception e) {
                failure = e;
                delayMillis = Math.min(delayMillis * 2, 5_000);
            }
        }
        if (!closing) {
            gaveUp = true;
            log.error("Giving up on the binlog stream after repeated reconnect failures", failure);
        }
    }

    /** Called on the client's thread, between events, while it decodes a rows event. */
    private boolean isFollowed(long tableId) {
        synchronized (pending) {
            return followedTableIds.containsKey(tableId);
        }
    }

    private void onEvent(Event event) {
        lastHeardNanos = System.nanoTime();
        EventData data = event.getData();
        synchronized (pending) {
            if (data instanceof TableMapEventData map) {
                if (schema.equals(map.getDatabase()) && tables.contains(map.getTable())) {
                    followedTableIds.put(map.getTableId(), map.getTable());
                } else {
                    followedTableIds.remove(map.getTableId());
                }
            } else if (data instanceof WriteRowsEventData write) {
                String table = followedTableIds.get(write.getTableId());
                if (table != null) {
                    for (Serializable[] row : write.getRows()) {
                        pending.add(new RowChange(RowChange.Kind.INSERT, table, null, row));
                    }
                    handOverPieceIfLarge();
                }
            } else if (data instanceof UpdateRowsEventData update) {
                String table = followedTableIds.get(update.getTableId());
                if (table != null) {
                    for (Map.Entry<Serializable[], Serializable[]> row : update.getRows()) {
                        pending.add(new RowChange(RowChange.Kind.UPDATE, table, row.getKey(), row.getValue()));
                    }
                    handOverPieceIfLarge();
                }
            } else if (data instanceof DeleteRowsEventData delete) {
                String table = followedTableIds.get(delete.getTableId());
                if (table != null) {
                    for (Serializable[] row : delete.getRows()) {
                        pending.add(new RowChange(RowChange.Kind.DELETE, table, row, null));
                    }
                    handOverPieceIfLarge();
                }
            } else if (data instanceof GtidEventData gtid) {
                beginGtid(gtid.getGtid());
            } else if (data instanceof MariadbGtidEventData gtid) {
                beginGtid(gtid.getDomainId() + "-" + gtid.getServerId() + "-" + gtid.getSequence());
                // MariaDB has no BEGIN event: a GTID not flagged standalone opens a transaction.
                inTransaction = (gtid.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0;
            } else if (data instanceof XidEventData || isCommitQuery(data)) {
                completeTransaction(event);
            } else if (data instanceof QueryEventData query) {
                if (isBegin(query)) {
                    inTransaction = true;
                } else if (!inTransaction) {
                    // DDL outside BEGIN ... COMMIT is a transaction of its own; a SAVEPOINT inside one is not.
                    completeTransaction(event);
                }
            }
        }
    }

    private void beginGtid(String gtid) {
        if (gtids != null) {
            gtids.begin(gtid);
        }
    }

    private static boolean isBegin(QueryEventData query) {
        String sql = query.getSql().trim();
        return sql.equalsIgnoreCase("BEGIN") || sql.toUpperCase(java.util.Locale.ROOT).startsWith("XA START");
    }

    private static boolean isCommitQuery(EventData data) {
        return data instanceof QueryEventData query && "COMMIT".equalsIgnoreCase(query.getSql().trim());
    }

    /**
     * The end of a transaction is its commit event's own next position. The client's position is
     * not: listeners run before the client advances it, and on MariaDB 11.4 the events inside a
     * transaction carry no next position, so the client's value still points at the transaction's
     * start and resuming there would hand the whole transaction over twice.
     */
    private void completeTransaction(Event commit) {
        BinaryLogClient current = client;
        long next = commit.getHeader() instanceof EventHeaderV4 header ? header.getNextPosition() : 0;
        inTransaction = false;
        if (gtids != null) {
            gtids.commit();
        }
        BinlogPosition end = new BinlogPosition(current.getBinlogFilename(), next > 0 ? next : current.getBinlogPosition(),
                gtids == null ? null : gtids.snapshot());
        if (pending.hasAny() && !handOver(pending.ending(end))) {
            return; // not recorded as complete: a reconnect resumes before it
        }
        pending.clear();
        lastComplete = end;
    }

    /** Hands over what a large transaction has so far, without an end: a rows event holds at most a few kilobytes. */
    private void handOverPieceIfLarge() {
        if (pending.pieceIsDue() && handOver(pending.piece())) {
            pending.pieceHandedOver();
        }
    }

    /**
     * Queues the transaction (or piece). A full queue waits for the applier (the back-pressure), but
     * not past close(): the client's disconnect waits for this thread, which would otherwise wait
     * forever for an applier that had stopped (seen: a failed applier hung the migration's end).
     * False if it was not queued (the stream is closing, or the thread was interrupted).
     */
    private boolean handOver(BinlogTransaction transaction) {
        waitingForRoom = true;
        try {
            while (!sink.offer(transaction, HAND_OVER_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (closing) {
                    return false; // nothing resumes from a closed stream
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lastHeardNanos = System.nanoTime();
            waitingForRoom = false;
        }
    }

    /** Waits for a reconnect in flight (it holds this monitor), so that no fresh connection outlives the stream. */
    @Override
    public synchronized void close() {
        closing = true;
        if (silenceWatch != null) {
            silenceWatch.shutdownNow();
        }
        BinaryLogClient current = client;
        if (current != null) {
            try {
                current.disconnect();
            } catch (IOException e) {
                log.debug("Closing the binlog connection: {}", e.getMessage());
            }
        }
    }
}
