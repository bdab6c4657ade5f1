package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The copy's side of the turns: before a chunk, it waits for one applier batch while changes are
 * queued, and only where chunks hold the AUTO-INC lock. The counters stand for the apply loop's
 * (batches applied, changes queued); the benchmark measures what the turns do to a real run.
 */
class ApplierTurnsTest {

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong backlog = new AtomicLong();

    @Test
    void theNextChunkWaitsWhileChangesAreQueuedUntilTheApplierHasAppliedABatch() throws Exception {
        ApplierTurns turns = new ApplierTurns(batches::get, backlog::get, true);
        assertThat(turns.applierTurn()).as("the first chunk").isFalse();
        backlog.set(1_500);

        assertThat(turns.applierTurn()).as("changes queued, no batch since the last chunk").isTrue();
        assertThat(turns.applierTurn()).isTrue();
        batches.incrementAndGet();
        assertThat(turns.applierTurn()).as("a batch applied").isFalse();
        assertThat(turns.applierTurn()).as("the next chunk: no batch since this one").isTrue();
    }

    @Test
    void nothingQueuedMeansNoWait() throws Exception {
        ApplierTurns turns = new ApplierTurns(batches::get, backlog::get, true);
        turns.applierTurn();

        assertThat(turns.applierTurn()).isFalse();
        assertThat(turns.applierTurn()).isFalse();
    }

    @Test
    void aBatchThatDoesNotComeHoldsTheCopyAtMostTheLongestTurn() throws Exception {
        ApplierTurns turns = new ApplierTurns(batches::get, backlog::get, true);
        turns.applierTurn();
        backlog.set(2_000);

        long began = System.nanoTime();
        int waits = 0;
        while (turns.applierTurn()) {
            waits++;
        }
        Duration held = Duration.ofNanos(System.nanoTime() - began);

        assertThat(waits).isPositive();
        assertThat(held).isGreaterThanOrEqualTo(ApplierTurns.LONGEST_TURN)
                .isLessThan(ApplierTurns.LONGEST_TURN.multipliedBy(4));
        assertThat(turns.applierTurn()).as("a new turn for the next chunk").isTrue();
    }

    @Test
    void noTurnsWhereChunksHoldNoAutoIncrementLock() throws Exception {
        ApplierTurns turns = new ApplierTurns(batches::get, backlog::get, false);
        backlog.set(2_000);

        assertThat(turns.applierTurn()).isFalse();
        assertThat(turns.applierTurn()).isFalse();
    }
}
