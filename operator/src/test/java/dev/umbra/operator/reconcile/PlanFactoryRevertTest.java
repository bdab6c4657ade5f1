package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.RevertOptions;
import dev.umbra.operator.model.RevertSpec;
import dev.umbra.operator.model.SchemaMigrationSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code spec.revert} reaches the engine through its one options form, each error naming the field. */
class PlanFactoryRevertTest {

    @Test
    void withoutSpecRevertThereIsNoWindow() throws Exception {
        RevertOptions revert = PlanFactory.plan(PlanFactoryVerifyTest.spec(), credentials(), false).options().revert();
        assertThat(revert.enabled()).isFalse();
        assertThat(revert.acceptLoss()).isFalse();
        assertThat(PlanFactory.revert(PlanFactoryVerifyTest.spec())).isEqualTo(RevertOptions.off());
    }

    @Test
    void theWindowAndAcceptLossReachTheEngine() throws Exception {
        assertThat(revertOf("30m", null)).isEqualTo(new RevertOptions(Duration.ofMinutes(30), false));
        assertThat(revertOf("1h30m", true)).isEqualTo(new RevertOptions(Duration.ofMinutes(90), true));
        assertThat(revertOf("7d", false)).isEqualTo(new RevertOptions(Duration.ofDays(7), false));
        assertThat(revertOf("3s", null)).isEqualTo(new RevertOptions(Duration.ofSeconds(3), false));
        assertThat(revertOf("0", null).enabled()).isFalse();
        assertThat(revertOf(null, null).enabled()).as("the CRD's default").isFalse();
    }

    @Test
    void aWindowThatIsNotADurationIsRefusedNamingTheField() {
        assertThatThrownBy(() -> revertOf("30", null)).isInstanceOf(InvalidMigrationException.class)
                .hasMessage("spec.revert.window '30' is not a duration; write one such as 30m, 2h or 1h30m.");
        assertThatThrownBy(() -> revertOf("30 minutes", null)).isInstanceOf(InvalidMigrationException.class)
                .hasMessageStartingWith("spec.revert.window '30 minutes' is not a duration;");
        assertThatThrownBy(() -> revertOf("30m2h", null)).isInstanceOf(InvalidMigrationException.class)
                .hasMessageStartingWith("spec.revert.window '30m2h' is not a duration; use the units d, h, m and s");
        assertThatThrownBy(() -> revertOf("", null)).isInstanceOf(InvalidMigrationException.class)
                .hasMessageStartingWith("spec.revert.window is empty");
    }

    @Test
    void aWindowOverSevenDaysIsRefusedNamingTheField() {
        assertThatThrownBy(() -> revertOf("8d", null)).isInstanceOf(InvalidMigrationException.class)
                .hasMessage("spec.revert.window must be at most 7d (0 for no revert window), not 8d.");
        assertThatThrownBy(() -> revertOf("7d1s", null)).isInstanceOf(InvalidMigrationException.class)
                .hasMessageStartingWith("spec.revert.window must be at most 7d");
    }

    @Test
    void theWindowReadAloneIsOffWhenItIsInvalid() {
        SchemaMigrationSpec spec = withRevert("8d", true);
        assertThat(PlanFactory.revert(spec)).isEqualTo(RevertOptions.off());
        assertThat(PlanFactory.revert(withRevert("2h", true))).isEqualTo(new RevertOptions(Duration.ofHours(2), true));
    }

    private static RevertOptions revertOf(String window, Boolean acceptLoss) throws InvalidMigrationException {
        return PlanFactory.plan(withRevert(window, acceptLoss), credentials(), false).options().revert();
    }

    private static SchemaMigrationSpec withRevert(String window, Boolean acceptLoss) {
        SchemaMigrationSpec spec = PlanFactoryVerifyTest.spec();
        RevertSpec revert = new RevertSpec();
        revert.setWindow(window);
        revert.setAcceptLoss(acceptLoss);
        spec.setRevert(revert);
        return spec;
    }

    private static DatabaseCredentials credentials() {
        return PlanFactoryVerifyTest.credentials();
    }
}
