package dev.umbra.engine.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Which keys the applier may leave to the copy: above the last chunk handed out, up to the copy's upper bound. */
class CopyFrontierTest {

    @Test
    void nothingIsLeftToTheCopyBeforeItOpensOrAfterItCloses() {
        CopyFrontier frontier = new CopyFrontier();
        assertThat(frontier.notReachedYet(5L)).isFalse();
        assertThat(frontier.open(null, 100L)).isTrue();
        assertThat(frontier.notReachedYet(5L)).isTrue();
        frontier.close();
        assertThat(frontier.notReachedYet(5L)).isFalse();
    }

    @Test
    void keysAboveTheLastChunkHandedOutAndUpToTheUpperBoundAreLeftToTheCopy() {
        CopyFrontier frontier = new CopyFrontier();
        frontier.open(10, 100L);
        assertThat(frontier.notReachedYet(10)).as("at the resumed watermark: copied").isFalse();
        assertThat(frontier.notReachedYet(11L)).isTrue();
        frontier.handingOut(50L);
        assertThat(frontier.notReachedYet(50)).as("in the chunk being read").isFalse();
        assertThat(frontier.notReachedYet(51)).isTrue();
        assertThat(frontier.notReachedYet(100)).isTrue();
        assertThat(frontier.notReachedYet(101)).as("above the upper bound: only the binlog brings it").isFalse();
    }

    @Test
    void unsignedBigintKeysBeyondLongCompareByValue() {
        CopyFrontier frontier = new CopyFrontier();
        BigInteger high = new BigInteger("18446744073709551000");
        frontier.open(null, high);
        frontier.handingOut(new BigInteger("9223372036854775900"));
        assertThat(frontier.notReachedYet(new BigInteger("9223372036854775901"))).isTrue();
        assertThat(frontier.notReachedYet(1L)).isFalse();
    }

    @Test
    void boundsThatAreNotNumbersLeaveEveryChangeToTheApplier() {
        CopyFrontier frontier = new CopyFrontier();
        assertThat(frontier.open("a", "z")).isFalse();
        assertThat(frontier.notReachedYet(5)).isFalse();
        assertThat(frontier.open(true, 1)).as("a TINYINT(1) key read back as a Boolean").isTrue();
        frontier.handingOut("not a number");
        assertThat(frontier.notReachedYet(1)).isFalse();
    }
}
