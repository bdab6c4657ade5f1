package dev.umbra.operator.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.runner.ThrottleTransitions.Transition;
import dev.umbra.operator.testing.MovableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A throttle that flaps at its limit must not flood the namespace's Events: the first change is
 * told at once, later ones at most once a minute, as the state then, with the changes it merges.
 */
class ThrottleTransitionsTest {

    private static final Optional<String> LAG = Optional.of("replica lag db-replica-1:3306 1800 ms > 1500 ms");
    private static final Optional<String> RUNNING = Optional.empty();

    private final MovableClock clock = new MovableClock();
    private final ThrottleTransitions transitions = new ThrottleTransitions(clock);

    @Test
    void theFirstThrottleAndAReleaseAfterAQuietMinuteAreToldAtOnce() {
        assertThat(transitions.observe(RUNNING)).as("running from the start is no change").isEmpty();

        Transition throttled = transitions.observe(LAG).orElseThrow();
        assertThat(throttled.eventReason()).isEqualTo("Throttled");
        assertThat(throttled.message()).isEqualTo("Copy and apply hold back: " + LAG.get());
        assertThat(transitions.observe(LAG)).as("still throttled").isEmpty();

        clock.advance(Duration.ofMinutes(5));
        Transition released = transitions.observe(RUNNING).orElseThrow();
        assertThat(released.eventReason()).isEqualTo("ThrottleReleased");
        assertThat(released.message()).isEqualTo("Copy and apply run again.");
    }

    @Test
    void aFlappingThrottleWritesAtMostOneEventAMinuteWithTheChangesItMerged() {
        int events = 0;
        Transition last = null;
        // Throttled and released every 5 s for ten minutes: 120 changes.
        for (int second = 0; second < 600; second += 5) {
            Optional<Transition> told = transitions.observe((second / 5) % 2 == 0 ? LAG : RUNNING);
            if (told.isPresent()) {
                events++;
                last = told.get();
            }
            clock.advance(Duration.ofSeconds(5));
        }
        assertThat(events).isBetween(2, 11);
        assertThat(last.message()).containsPattern("the throttle changed \\d+ times since the last throttle Event");
    }

    @Test
    void aReleaseWithinTheMinuteIsToldWhenTheMinuteIsOverAndNotLost() {
        transitions.observe(LAG).orElseThrow();
        clock.advance(Duration.ofSeconds(10));
        assertThat(transitions.observe(RUNNING)).as("held back: the last Event is 10 s old").isEmpty();
        clock.advance(Duration.ofSeconds(20));
        assertThat(transitions.observe(RUNNING)).isEmpty();

        clock.advance(Duration.ofSeconds(31));
        Transition released = transitions.observe(RUNNING).orElseThrow();
        assertThat(released.eventReason()).isEqualTo("ThrottleReleased");
        assertThat(released.message()).isEqualTo("Copy and apply run again.");
    }

    @Test
    void aFlapThatEndsWhereTheLastEventLeftOffWritesNothingButIsCountedInTheNext() {
        transitions.observe(LAG).orElseThrow();
        clock.advance(Duration.ofSeconds(10));
        transitions.observe(RUNNING);
        clock.advance(Duration.ofSeconds(10));
        assertThat(transitions.observe(LAG)).as("throttled again, as the last Event said").isEmpty();

        clock.advance(Duration.ofMinutes(2));
        assertThat(transitions.observe(LAG)).isEmpty();
        Transition released = transitions.observe(RUNNING).orElseThrow();
        assertThat(released.message()).isEqualTo("Copy and apply run again. (the throttle changed 3 times since the last throttle Event)");
    }
}
