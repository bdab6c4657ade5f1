package dev.umbra.engine.throttle;

import java.util.Optional;

/** One reason to hold copy and apply, checked about once a second on the throttler's thread. */
interface ThrottleCheck extends AutoCloseable {

    /** Why to hold now, if at all. A check that cannot observe what it watches says so and holds. */
    Optional<String> check();

    /** What kind of hold this check's reasons are. */
    Hold.Kind kind();

    /** Closes the sessions the check keeps open between checks. */
    @Override
    void close();
}
