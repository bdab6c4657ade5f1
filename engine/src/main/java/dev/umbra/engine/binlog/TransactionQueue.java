package dev.umbra.engine.binlog;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-over from the binlog stream to the applier, bounded both in transactions and in the
 * bytes their row images hold, so that memory stays bounded whatever the transactions' sizes: a
 * full queue makes the stream stop reading, and the server keeps the backlog. One transaction
 * larger than the byte bound is let in when the queue is empty, so that nothing waits forever.
 */
public final class TransactionQueue {

    private final int maxTransactions;
    private final long maxBytes;
    private final Deque<BinlogTransaction> transactions = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private long bytes;
    private long changes;

    public TransactionQueue(int maxTransactions, long maxBytes) {
        this.maxTransactions = maxTransactions;
        this.maxBytes = maxBytes;
    }

    /** Adds the transaction, waiting up to {@code timeout} for room; false if there was none. */
    public boolean offer(BinlogTransaction transaction, long timeout, TimeUnit unit) throws InterruptedException {
        long left = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (!transactions.isEmpty()
                    && (transactions.size() >= maxTransactions || bytes + transaction.estimatedBytes() > maxBytes)) {
                if (left <= 0) {
                    return false;
                }
                left = notFull.awaitNanos(left);
            }
            transactions.addLast(transaction);
            bytes += transaction.estimatedBytes();
            changes += transaction.changes().size();
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the oldest transaction, waiting up to {@code timeout}; null if none came. */
    public BinlogTransaction poll(long timeout, TimeUnit unit) throws InterruptedException {
        long left = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (transactions.isEmpty()) {
                if (left <= 0) {
                    return null;
                }
                left = notEmpty.awaitNanos(left);
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the oldest transaction if there is one. */
    public BinlogTransaction poll() {
        lock.lock();
        try {
            return transactions.isEmpty() ? null : take();
        } finally {
            lock.unlock();
        }
    }

    private BinlogTransaction take() {
        BinlogTransaction transaction = transactions.removeFirst();
        bytes -= transaction.estimatedBytes();
        changes -= transaction.changes().size();
        notFull.signalAll();
        return transaction;
    }

    /** Row changes queued. */
    public long changes() {
        lock.lock();
        try {
            return changes;
        } finally {
            lock.unlock();
        }
    }

    /** What the queued row images hold, roughly. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return transactions.size();
        } finally {
            lock.unlock();
        }
    }
}
