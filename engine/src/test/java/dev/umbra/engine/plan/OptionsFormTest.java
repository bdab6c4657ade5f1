package dev.umbra.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one form the CLI and the operator build options with: bounds, field names, every error at once. */
class OptionsFormTest {

    private static final Map<OptionsForm.Field, String> SPEC = Map.of(
            OptionsForm.Field.COPY_WORKERS, "spec.copy.workers",
            OptionsForm.Field.CHUNK_SIZE, "spec.copy.chunkSize",
            OptionsForm.Field.MAX_REPLICA_LAG_MILLIS, "spec.throttle.maxReplicaLagMillis",
            OptionsForm.Field.REPLICAS, "spec.database.replicas",
            OptionsForm.Field.MAX_LOAD, "spec.throttle.maxLoad",
            OptionsForm.Field.REVERT_WINDOW, "spec.revert.window");

    @Test
    void valuesLeftOutKeepTheCallersDefaultsAndGivenOnesAreSet() throws Exception {
        MigrationOptions base = MigrationOptions.defaults().withChunkSize(777);
        MigrationOptions options = new OptionsForm(SPEC, base).chunkSize(null).copyWorkers(4).chunkTimeMillis(0)
                .cutOverLockTimeoutSeconds(7).cutOverMaxAttempts(null).maxLoad("Threads_running=25").build();

        assertThat(options.chunkSize()).isEqualTo(777);
        assertThat(options.copyWorkers()).isEqualTo(4);
        assertThat(options.chunkTime()).isEqualTo(Duration.ZERO);
        assertThat(options.cutOverLockTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(options.cutOverMaxAttempts()).isEqualTo(base.cutOverMaxAttempts());
        assertThat(options.throttle().maxLoad()).isPresent();
    }

    @Test
    void everyErrorIsReportedAtOnceUnderTheCallersNameForItsField() {
        OptionsForm.InvalidOptionsException invalid = catchThrowableOfType(OptionsForm.InvalidOptionsException.class,
                () -> new OptionsForm(SPEC, MigrationOptions.defaults()).copyWorkers(17).chunkSize(0)
                        .maxLoad("Threads_running").cutOverLockTimeoutSeconds(301).build());

        assertThat(invalid.errors()).containsExactly(
                "spec.copy.workers must be between 1 and 16, not 17.",
                "spec.copy.chunkSize must be between 1 and 100000, not 0.",
                invalid.errors().get(2),
                "cut-over-lock-timeout-seconds must be between 1 and 300, not 301.");
        assertThat(invalid.errors().get(2)).startsWith("spec.throttle.maxLoad: ");
        assertThat(invalid.getMessage()).contains("spec.copy.workers").contains("spec.copy.chunkSize");
    }

    @Test
    void theBoundsAreInclusive() throws Exception {
        MigrationOptions options = new OptionsForm(Map.of(), MigrationOptions.defaults()).copyWorkers(OptionsForm.MAX_COPY_WORKERS)
                .chunkSize(OptionsForm.MAX_CHUNK_SIZE).chunkTimeMillis(OptionsForm.MAX_CHUNK_TIME_MILLIS)
                .cutOverLockTimeoutSeconds(1).cutOverMaxAttempts(OptionsForm.MAX_CUT_OVER_ATTEMPTS).reconnectTimeoutSeconds(0)
                .build();

        assertThat(options.copyWorkers()).isEqualTo(16);
        assertThat(options.chunkSize()).isEqualTo(100_000);
        assertThat(options.reconnectTimeout()).isZero();
    }

    @Test
    void aReplicaLagLimitNeedsReplicasToMeasure() throws Exception {
        OptionsForm.InvalidOptionsException invalid = catchThrowableOfType(OptionsForm.InvalidOptionsException.class,
                () -> new OptionsForm(SPEC, MigrationOptions.defaults()).maxReplicaLagMillis(1500L).build());
        assertThat(invalid.errors()).containsExactly("spec.throttle.maxReplicaLagMillis needs the replicas to measure the lag on:"
                + " set spec.database.replicas.");

        MigrationOptions options = new OptionsForm(SPEC, MigrationOptions.defaults())
                .replicas(List.of(new ReplicaAddress("replica-1", 3306))).maxReplicaLagMillis(1500L).build();
        assertThat(options.throttle().maxReplicaLag()).contains(Duration.ofMillis(1500));
        assertThat(options.throttle().replicas()).hasSize(1);
    }

    @Test
    void theRevertWindowIsReadAsPeopleWriteDurations() throws Exception {
        MigrationOptions options = new OptionsForm(SPEC, MigrationOptions.defaults()).revert("1h30m", true).build();
        assertThat(options.revert()).isEqualTo(new RevertOptions(Duration.ofMinutes(90), true));
        assertThat(new OptionsForm(SPEC, MigrationOptions.defaults()).revert("0", false).build().revert().enabled()).isFalse();
        assertThat(new OptionsForm(SPEC, MigrationOptions.defaults()).revert(null, false).build().revert())
                .isEqualTo(RevertOptions.off());
        assertThat(new OptionsForm(SPEC, MigrationOptions.defaults()).revert("7d", false).build().revert().window())
                .isEqualTo(Duration.ofDays(7));

        for (String bad : List.of("30", "m", "30x", "1m2h", "", "-5m", "30 m")) {
            OptionsForm.InvalidOptionsException invalid = catchThrowableOfType(OptionsForm.InvalidOptionsException.class,
                    () -> new OptionsForm(SPEC, MigrationOptions.defaults()).revert(bad, false).build());
            assertThat(invalid).as(bad).isNotNull();
            assertThat(invalid.errors()).as(bad).singleElement().asString().startsWith("spec.revert.window ")
                    .contains("duration");
        }
        OptionsForm.InvalidOptionsException tooLong = catchThrowableOfType(OptionsForm.InvalidOptionsException.class,
                () -> new OptionsForm(SPEC, MigrationOptions.defaults()).revert("8d", false).build());
        assertThat(tooLong.errors()).containsExactly(
                "spec.revert.window must be at most 7d (0 for no revert window), not 8d.");
        assertThat(DurationText.format(Duration.ofSeconds(5_400))).isEqualTo("1h30m");
        assertThat(DurationText.parse(DurationText.format(Duration.ofSeconds(90_061)))).isEqualTo(Duration.ofSeconds(90_061));
    }
}
