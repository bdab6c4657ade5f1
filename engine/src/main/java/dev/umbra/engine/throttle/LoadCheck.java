package dev.umbra.engine.throttle;

import dev.umbra.engine.plan.LoadLimits;
import java.sql.SQLException;
import java.util.Optional;

/** {@code maxLoad}: holds while a global status variable of the writer is above its limit. */
final class LoadCheck implements ThrottleCheck {

    private final WriterStatus status;
    private final LoadLimits limits;

    LoadCheck(WriterStatus status, LoadLimits limits) {
        this.status = status;
        this.limits = limits;
    }

    @Override
    public Hold.Kind kind() {
        return Hold.Kind.LOAD;
    }

    @Override
    public Optional<String> check() {
        try {
            return limits.exceeded(status.read(limits.limits().keySet())).map(exceeded -> "max load " + exceeded);
        } catch (SQLException e) {
            return Optional.of("cannot read the writer's load (maxLoad): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        status.close();
    }
}
