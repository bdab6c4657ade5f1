package dev.umbra.engine.verify;

import dev.umbra.engine.progress.Verification;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checksum before cut-over: compares the original and the ghost table chunk by chunk over the
 * columns they share (see {@link ComparedColumns}). A chunk whose row count or checksum differs is
 * copied again (see {@link ChunkRepair}) and compared again; a chunk that still differs after
 * {@value #REPAIR_ROUNDS} copies fails the verification, naming its key range.
 *
 * <p>Chunks are key ranges cut from the original's key order, each compared while its own rows
 * are locked (see {@link LockedChunks}): no table lock, so it converges under any write load.
 * When the ALTER changes how a key column sorts (its type, other than between integer types, or
 * its collation), a range would not select the same rows in both tables; the table is then
 * compared as one chunk at a consistent point taken under a brief table read lock (see
 * {@link SnapshotChunks}).
 */
public final class TableVerifier {

    private static final Logger log = LoggerFactory.getLogger(TableVerifier.class);
    static final int REPAIR_ROUNDS = 2;

    /** The runner's view of the verification. */
    public interface Observer {
        /** The current step, e.g. {@code Verifying chunk 3 of about 12}. */
        void stage(String stage);

        /**
         * Called between steps (chunks, repairs, before each consistent point): returns once work
         * may go on (it waits while the migration is paused or throttled), throws to stop the
         * verification (abort, a failed worker).
         */
        void checkpoint() throws Exception;

        /** Called after each round of repairs (tests open race windows here). */
        void afterRepair() throws Exception;

        /** Called before each range compared while the copy goes on (tests hold those comparisons here). */
        default void beforeComparingDuringCopy() throws Exception {
        }
    }

    private final VerifyContext context;
    private final ComparedColumns columns;
    private final ChunkChecksum checksum;
    private final ChunkRepair repair;

    public TableVerifier(VerifyContext context) {
        this.context = context;
        this.columns = new ComparedColumns(context.mapping());
        this.checksum = new ChunkChecksum(context, columns);
        this.repair = new ChunkRepair(context);
    }

    /**
     * Compares, repairs and compares again.
     *
     * @throws VerificationFailedException a chunk still differs after being copied again
     * @throws Exception                   whatever the observer threw to stop the verification
     */
    public Verification verify(Observer observer) throws Exception {
        return verify(observer, Optional.empty());
    }

    /**
     * Compares, repairs and compares again, going on from what {@code behind} did during the copy:
     * the ranges it left for later first, then the rest of the table.
     */
    public Verification verify(Observer observer, Optional<ChecksumBehindCopy> behind) throws Exception {
        long started = System.nanoTime();
        if (!columns.notCompared().isEmpty()) {
            log.warn("The checksum of `{}` leaves out columns whose new type no conversion reproduces exactly: {}",
                    context.original(), String.join(", ", columns.notCompared()));
        }
        observer.stage("Verifying");
        ChecksumBehindCopy.Compared during = behind.isPresent() ? behind.get().finish(observer) : null;
        if (during != null) {
            log.info("Checksum of `{}`: {} range(s) matched beside the copy in {} ms; {} left to compare after it",
                    context.original(), during.matched(), during.took().toMillis(), during.leftForLater().size());
        }
        Round round;
        int chunks;
        boolean sameKeyOrder;
        try (Connection reader = context.connections().open()) {
            sameKeyOrder = KeyOrder.preserved(reader, context);
            if (sameKeyOrder) {
                ChunkBoundaries boundaries = new ChunkBoundaries(reader, context, context.chunkSize(),
                        during == null ? null : during.upTo());
                Ranges left = during == null ? boundaries::next : followedBy(listed(during.leftForLater()), boundaries::next);
                int matchedBefore = during == null ? 0 : during.matched();
                long expected = context.expectedRows() / Math.max(1, context.chunkSize()) + 1 - matchedBefore;
                round = compare(true, left, chunk -> chunk <= expected ? " of about " + expected : "", observer);
                chunks = matchedBefore + (during == null ? 0 : during.leftForLater().size()) + boundaries.count();
                if (during != null) {
                    round = new Round(round.mismatched(), longer(during.longestLock(), round.longestLock()));
                }
            } else {
                round = compare(false, listed(List.of(KeyRange.WHOLE_TABLE)), chunk -> " of 1", observer);
                chunks = 1;
            }
        }
        Duration longestLock = round.longestLock();
        List<KeyRange> mismatched = round.mismatched();
        int firstMismatches = mismatched.size();
        int repaired = 0;
        for (int repairRound = 1; repairRound <= REPAIR_ROUNDS && !mismatched.isEmpty(); repairRound++) {
            int index = 0;
            for (KeyRange range : mismatched) {
                observer.checkpoint();
                index++;
                // A chunk is named by its place, never by its key values (status and Events are no place for data).
                observer.stage("Verifying: copying mismatched chunk " + index + " of " + mismatched.size() + " again");
                log.warn("Checksum of `{}`: mismatched chunk {} of {} differs between the table and the ghost table; copying"
                        + " it again (round {} of {})", context.original(), index, mismatched.size(), repairRound,
                        REPAIR_ROUNDS);
                context.diagnostics().log("the mismatched chunk " + index + " of `" + context.original() + "`", range::describe);
                repair.repair(range);
                repaired++;
            }
            observer.afterRepair();
            List<KeyRange> again = mismatched;
            round = compare(sameKeyOrder, listed(again), chunk -> " of " + again.size(), observer);
            longestLock = longer(longestLock, round.longestLock());
            mismatched = round.mismatched();
        }
        if (!mismatched.isEmpty()) {
            List<KeyRange> differing = mismatched;
            context.diagnostics().log("the chunks of `" + context.original() + "` that still differ",
                    () -> differing.stream().map(KeyRange::describe).collect(Collectors.joining("; ")));
            throw new VerificationFailedException("the checksum of `" + context.original() + "` still differs from the"
                    + " ghost table after copying again " + REPAIR_ROUNDS + " times, in " + mismatched.size() + " chunk(s) ("
                    + context.diagnostics().hint("their key ranges") + "); something other than Umbra writes to the ghost"
                    + " table, or the server changes values between the tables. Nothing was cut over");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        log.info("Checksum of `{}`: {} chunk(s) match ({} of them compared during the copy; {} mismatched and copied again)"
                + " in {} ms after the copy; the longest lock it held on the table's rows was {} ms", context.original(), chunks,
                during == null ? 0 : during.matched(), firstMismatches, took.toMillis(), longestLock.toMillis());
        return new Verification(took, chunks, firstMismatches, repaired, longestLock,
                during == null ? 0 : during.matched(), during == null ? Duration.ZERO : during.took());
    }

    /**
     * E.g. {@code checksum of 12 chunk(s) matched (10 of them during the copy) in 840 ms after the copy (1 mismatched
     * chunk(s) copied again); its longest lock blocked writers at most 35 ms}.
     */
    public static String describe(Verification verification) {
        return "checksum of " + verification.chunks() + " chunk(s) matched"
                + (verification.chunksDuringCopy() == 0 ? " in " : " (" + verification.chunksDuringCopy()
                        + " of them during the copy) in ")
                + verification.duration().toMillis() + " ms" + (verification.chunksDuringCopy() == 0 ? "" : " after the copy")
                + (verification.mismatchedChunks() == 0 ? "" : " (" + verification.mismatchedChunks()
                        + " mismatched chunk(s) copied again)")
                + "; its longest lock blocked writers at most " + verification.longestLock().toMillis() + " ms";
    }

    /** The ranges found different in one pass, and the longest lock the pass held. */
    private record Round(List<KeyRange> mismatched, Duration longestLock) {
    }

    /**
     * Compares each range: by chunk, each under its own row locks (see {@link LockedChunks}), where
     * key ranges select the same rows in both tables and the server's locking reads can refuse to
     * wait; otherwise all at one consistent point (see {@link SnapshotChunks}). MySQL 5.7 has no
     * {@code NOWAIT}, and a locking read that waits can make an application's transaction the
     * victim of a deadlock: a table read lock only delays writers.
     */
    private Round compare(boolean sameKeyOrder, Ranges ranges, IntFunction<String> ofHowMany, Observer observer) throws Exception {
        List<KeyRange> mismatched = new ArrayList<>();
        Optional<String> lockClause = sameKeyOrder ? context.server().sharedLockThatNeedNotWait() : Optional.empty();
        try (ChunkComparer comparer = lockClause.isPresent() ? LockedChunks.open(context, checksum, lockClause.get(), observer)
                : SnapshotChunks.open(context, checksum, observer)) {
            int chunk = 0;
            while (true) {
                observer.checkpoint();
                KeyRange range = ranges.next();
                if (range == null) {
                    break;
                }
                chunk++;
                String stage = "Verifying chunk " + chunk + ofHowMany.apply(chunk);
                observer.stage(stage);
                ComparedChunk compared = comparer.compare(range, stage);
                if (!compared.matches()) {
                    log.warn("Checksum of `{}`: chunk {} differs: {} row(s), crc {} in the table; {} row(s), crc {} in the ghost",
                            context.original(), chunk, compared.original().rows(), compared.original().crc(),
                            compared.ghost().rows(), compared.ghost().crc());
                    context.diagnostics().log("chunk " + chunk + " of `" + context.original() + "`", range::describe);
                    mismatched.add(range);
                }
            }
            return new Round(mismatched, comparer.longestLock());
        }
    }

    /** The ranges to compare, one at a time; null when there are no more. */
    @FunctionalInterface
    private interface Ranges {
        KeyRange next() throws SQLException;
    }

    private static Ranges followedBy(Ranges first, Ranges then) {
        return () -> {
            KeyRange next = first.next();
            return next != null ? next : then.next();
        };
    }

    private static Ranges listed(List<KeyRange> ranges) {
        Iterator<KeyRange> remaining = ranges.iterator();
        return () -> remaining.hasNext() ? remaining.next() : null;
    }

    static Duration longer(Duration one, Duration other) {
        return one.compareTo(other) >= 0 ? one : other;
    }
}
