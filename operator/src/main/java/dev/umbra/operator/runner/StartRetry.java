package dev.umbra.operator.runner;

import java.time.Duration;
import java.time.Instant;

/**
 * A migration that could not start for a reason that goes away on its own or by a fix outside the
 * resource (its Secret created, the database reachable again, another run's lock released): tried
 * again after a pause that starts at the operator's recheck interval (5 s by default) and doubles up
 * to a minute.
 *
 * @param reason       the Ready condition's reason (e.g. {@code SecretNotFound}, {@code CannotConnect})
 * @param message      what is wrong and what to do
 * @param setupProblem whether {@code spec.setupTimeoutSeconds} bounds the wait (not for a table in use)
 * @param since        when the problem was first seen in this streak
 */
public record StartRetry(String reason, String message, boolean setupProblem, Instant since, int attempts, Instant notBefore) {

    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(60);

    /** The next retry after {@code previous} (null for the first), for this problem. */
    static StartRetry after(StartRetry previous, String reason, String message, boolean setupProblem, Instant now,
                            Duration firstPause) {
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        Duration pause = firstPause.multipliedBy(1L << Math.min(attempts - 1, 4));
        Instant since = previous == null ? now : previous.since();
        return new StartRetry(reason, message, setupProblem, since, attempts,
                now.plus(pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause));
    }

    /** The status message while the migration waits. */
    public String waitingMessage() {
        return "Waiting: " + message + (message.endsWith(".") ? "" : ".") + " Umbra tries again at growing intervals up to a"
                + " minute" + (setupProblem ? ", until spec.setupTimeoutSeconds runs out." : ".");
    }

    /** Whether the setup problem has lasted longer than {@code timeout}: the migration then fails. */
    public boolean outlasted(Duration timeout, Instant now) {
        return setupProblem && now.isAfter(since.plus(timeout));
    }
}
