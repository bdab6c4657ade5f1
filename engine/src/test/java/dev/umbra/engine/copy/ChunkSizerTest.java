package dev.umbra.engine.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Chunk sizes follow the rate the server achieves towards the target time, within bounds. */
class ChunkSizerTest {

    private static final Duration TARGET = Duration.ofMillis(500);

    @Test
    void growsAtMostFourfoldPerChunkTowardsTheTargetTime() {
        ChunkSizer sizer = new ChunkSizer(1_000, TARGET);

        sizer.record(1_000, Duration.ofMillis(10)); // 100,000 rows/s: 50,000 rows would take 500 ms
        assertThat(sizer.next()).isEqualTo(4_000);
        sizer.record(4_000, Duration.ofMillis(40));
        assertThat(sizer.next()).isEqualTo(16_000);
        sizer.record(16_000, Duration.ofMillis(160));
        assertThat(sizer.next()).isEqualTo(50_000);
    }

    @Test
    void settlesWhereAChunkTakesTheTargetTime() {
        ChunkSizer sizer = new ChunkSizer(1_000, TARGET);
        for (int i = 0; i < 10; i++) {
            int rows = sizer.next();
            sizer.record(rows, Duration.ofMillis(rows / 10)); // 10,000 rows/s
        }
        assertThat(sizer.next()).isEqualTo(5_000);
    }

    @Test
    void shrinksAtOnceWhenChunksGetSlowButNeverBelowTheMinimum() {
        ChunkSizer sizer = new ChunkSizer(10_000, TARGET);
        sizer.record(10_000, Duration.ofMillis(500));
        assertThat(sizer.next()).isEqualTo(10_000);

        sizer.record(10_000, Duration.ofSeconds(5)); // ten times slower: a busy server, or waits on locks
        assertThat(sizer.next()).isEqualTo(1_000);

        sizer.record(1_000, Duration.ofSeconds(60));
        assertThat(sizer.next()).isEqualTo(ChunkSizer.MIN_ROWS);
    }

    @Test
    void aZeroTargetKeepsTheGivenSize() {
        ChunkSizer sizer = new ChunkSizer(3, Duration.ZERO);
        sizer.record(3, Duration.ofMillis(1));
        sizer.record(3, Duration.ofSeconds(10));
        assertThat(sizer.next()).isEqualTo(3);
    }
}
