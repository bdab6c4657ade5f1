package dev.umbra.engine.throttle;

import dev.umbra.engine.plan.LoadLimits;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code criticalLoad}: a global status variable of the writer above its limit aborts the
 * migration (the original table stays as it is). A load that cannot be read does not abort: the
 * writer may be restarting, and the other checks hold the migration meanwhile.
 */
final class CriticalLoad implements ThrottleCheck {

    private static final Logger log = LoggerFactory.getLogger(CriticalLoad.class);

    private final WriterStatus status;
    private final LoadLimits limits;
    private final Consumer<String> abort;
    private String aborted;

    /** @param abort ends the migration with this reason */
    CriticalLoad(WriterStatus status, LoadLimits limits, Consumer<String> abort) {
        this.status = status;
        this.limits = limits;
        this.abort = abort;
    }

    @Override
    public Hold.Kind kind() {
        return Hold.Kind.CRITICAL_LOAD;
    }

    @Override
    public Optional<String> check() {
        if (aborted != null) {
            return Optional.of(aborted); // the runner is ending the migration
        }
        Optional<String> exceeded;
        try {
            exceeded = limits.exceeded(status.read(limits.limits().keySet()));
        } catch (SQLException e) {
            log.warn("Cannot read the writer's load for criticalLoad: {}", e.getMessage());
            return Optional.empty();
        }
        if (exceeded.isEmpty()) {
            return Optional.empty();
        }
        String reason = "critical load " + exceeded.get() + " (criticalLoad)";
        log.error("Aborting the migration: {}", reason);
        aborted = reason;
        abort.accept(reason);
        return Optional.of(reason);
    }

    @Override
    public void close() {
        status.close();
    }
}
