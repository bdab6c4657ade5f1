package dev.umbra.operator.runner;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides which throttle changes become Events. A throttle that flaps (replica lag hovering at its
 * limit) would otherwise write a {@code Throttled} and a {@code ThrottleReleased} Event every few
 * seconds: the first change is told at once, later ones at most once per {@link #MERGE_WINDOW},
 * as the state at that time, with the number of changes in between. A flap that ends where the last
 * Event left off writes nothing; the status always shows the current throttle.
 */
final class ThrottleTransitions {

    static final Duration MERGE_WINDOW = Duration.ofMinutes(1);

    /** An Event to write: the new state and how many changes it stands for. */
    record Transition(boolean throttled, String reason, int changes) {

        String eventReason() {
            return throttled ? "Throttled" : "ThrottleReleased";
        }

        String message() {
            String text = throttled ? "Copy and apply hold back: " + reason : "Copy and apply run again.";
            return changes > 1 ? text + " (the throttle changed " + changes + " times since the last throttle Event)" : text;
        }
    }

    private final Clock clock;
    private boolean observedThrottled;
    private boolean toldThrottled;
    private Instant toldAt;
    private int changesSinceTold;

    ThrottleTransitions(Clock clock) {
        this.clock = clock;
    }

    /** @param throttleReason why copy and apply hold back now, or empty when they run */
    Optional<Transition> observe(Optional<String> throttleReason) {
        boolean throttled = throttleReason.isPresent();
        if (throttled != observedThrottled) {
            observedThrottled = throttled;
            changesSinceTold++;
        }
        if (throttled == toldThrottled) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (toldAt != null && now.isBefore(toldAt.plus(MERGE_WINDOW))) {
            return Optional.empty();
        }
        Transition transition = new Transition(throttled, throttleReason.orElse(""), changesSinceTold);
        toldThrottled = throttled;
        toldAt = now;
        changesSinceTold = 0;
        return Optional.of(transition);
    }
}
