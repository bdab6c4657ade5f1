package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.operator.model.CopySpec;
import dev.umbra.operator.model.SchemaMigrationSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.copy} and {@code spec.instantDdl} reach the engine: chunks starting at chunkSize rows and
 * sized to chunkTimeMillis, copied by {@code workers} sessions, after trying an instant ALTER first.
 */
class PlanFactoryCopyTest {

    @Test
    void chunkSizeAndWorkersReachTheEngineWithTheirDefaults() throws Exception {
        SchemaMigrationSpec spec = spec();
        assertThat(PlanFactory.plan(spec, credentials(), false).options().copyWorkers()).as("chosen for the server")
                .isEqualTo(MigrationOptions.COPY_WORKERS_FOR_THE_SERVER);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().chunkSize()).isEqualTo(1000);
        spec.setCopy(new CopySpec());
        spec.getCopy().setWorkers(3);
        spec.getCopy().setChunkSize(500);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().copyWorkers()).isEqualTo(3);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().chunkSize()).isEqualTo(500);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().chunkTime()).isEqualTo(Duration.ofMillis(500));
        spec.getCopy().setChunkTimeMillis(0);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().chunkTime()).isZero();
        spec.getCopy().setChunkTimeMillis(2000);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().chunkTime()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aChunkTimeOutsideZeroToAMinuteIsRefusedNamingTheField() {
        SchemaMigrationSpec spec = spec();
        spec.setCopy(new CopySpec());
        spec.getCopy().setChunkTimeMillis(-1);
        assertThatThrownBy(() -> PlanFactory.plan(spec, credentials(), false)).isInstanceOf(InvalidMigrationException.class)
                .hasMessage("spec.copy.chunkTimeMillis must be between 0 (fixed chunks) and 60000, not -1.");
    }

    @Test
    void theInstantDdlFastPathIsOnUnlessTheSpecTurnsItOff() throws Exception {
        SchemaMigrationSpec spec = spec();
        assertThat(PlanFactory.plan(spec, credentials(), false).options().instantDdl()).isTrue();
        spec.setInstantDdl(true);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().instantDdl()).isTrue();
        spec.setInstantDdl(false);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().instantDdl()).isFalse();
    }

    @Test
    void workersOutsideOneToSixteenAreRefusedNamingTheField() {
        SchemaMigrationSpec spec = spec();
        spec.setCopy(new CopySpec());
        spec.getCopy().setWorkers(17);
        assertThatThrownBy(() -> PlanFactory.plan(spec, credentials(), false)).isInstanceOf(InvalidMigrationException.class)
                .hasMessage("spec.copy.workers must be between 1 and 16, not 17.");
        spec.getCopy().setWorkers(0);
        assertThatThrownBy(() -> PlanFactory.plan(spec, credentials(), false)).isInstanceOf(InvalidMigrationException.class)
                .hasMessage("spec.copy.workers must be between 1 and 16, not 0.");
    }

    @Test
    void applySessionsReachTheEngineWithTheirDefaultAndOutOfRangeValuesAreRefused() throws Exception {
        SchemaMigrationSpec spec = spec();
        assertThat(PlanFactory.plan(spec, credentials(), false).options().applySessions()).isEqualTo(4);
        spec.setCopy(new CopySpec());
        spec.getCopy().setApplySessions(1);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().applySessions()).isEqualTo(1);
        spec.getCopy().setApplySessions(9);
        assertThatThrownBy(() -> PlanFactory.plan(spec, credentials(), false)).isInstanceOf(InvalidMigrationException.class)
                .hasMessage("spec.copy.applySessions must be between 1 and 8, not 9.");
    }

    private static SchemaMigrationSpec spec() {
        return PlanFactoryVerifyTest.spec();
    }

    private static DatabaseCredentials credentials() {
        return PlanFactoryVerifyTest.credentials();
    }
}
