package dev.umbra.engine.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.LoadLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadLimitsTest {

    @Test
    void namesTheFirstVariableAboveItsLimit() {
        LoadLimits limits = LoadLimits.parse("Threads_running=25, Threads_connected=500");
        assertThat(limits.exceeded(Map.of("threads_running", 25L, "threads_connected", 10L))).isEmpty();
        assertThat(limits.exceeded(Map.of("threads_running", 31L))).contains("Threads_running=31 > 25");
        assertThat(limits.exceeded(Map.of("threads_connected", 501L))).contains("Threads_connected=501 > 500");
    }

    @Test
    void refusesWhatIsNotVariableEqualsNumber() {
        assertThatThrownBy(() -> LoadLimits.parse("Threads_running")).hasMessageContaining("is not Status_variable=limit");
        assertThatThrownBy(() -> LoadLimits.parse("Threads_running=lots")).hasMessageContaining("not a whole number");
    }
}
