package dev.umbra.engine.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The options a user sets, as the CLI's flags and a SchemaMigration's spec both give them: one
 * builder and one validator for both, with every bound written once (the operator's CRD takes its
 * {@code @Min}/{@code @Max} from the constants here). Each value comes with nothing set meaning
 * "the default"; each error names the field as the user wrote it ({@code --copy-workers} or
 * {@code spec.copy.workers}), all errors are reported together, and nothing is built while any
 * is left.
 */
public final class OptionsForm {

    public static final int MAX_CHUNK_SIZE = 100_000;
    public static final int MAX_CHUNK_TIME_MILLIS = 60_000;
    public static final int MAX_COPY_WORKERS = MigrationOptions.MAX_COPY_WORKERS;
    public static final int MAX_APPLY_SESSIONS = MigrationOptions.MAX_APPLY_SESSIONS;
    public static final int MAX_LOCK_TIMEOUT_SECONDS = 300;
    public static final int MAX_CUT_OVER_ATTEMPTS = 1_000;
    public static final int MAX_RECONNECT_TIMEOUT_SECONDS = 86_400;

    /** An option with its bounds; {@link #label} is how messages name it when the caller gives no name. */
    public enum Field {
        CHUNK_SIZE(1, MAX_CHUNK_SIZE),
        CHUNK_TIME_MILLIS(0, MAX_CHUNK_TIME_MILLIS, " (fixed chunks)"),
        COPY_WORKERS(1, MAX_COPY_WORKERS),
        APPLY_SESSIONS(1, MAX_APPLY_SESSIONS),
        CUT_OVER_LOCK_TIMEOUT_SECONDS(1, MAX_LOCK_TIMEOUT_SECONDS),
        CUT_OVER_MAX_ATTEMPTS(1, MAX_CUT_OVER_ATTEMPTS),
        RECONNECT_TIMEOUT_SECONDS(0, MAX_RECONNECT_TIMEOUT_SECONDS),
        STATUS_INTERVAL_SECONDS(1, Long.MAX_VALUE),
        MAX_REPLICA_LAG_MILLIS(1, Long.MAX_VALUE),
        MAX_LOAD(0, 0),
        CRITICAL_LOAD(0, 0),
        REPLICAS(0, 0),
        REVERT_WINDOW(0, 0),
        REVERT_ACCEPT_LOSS(0, 0);

        private final long min;
        private final long max;
        /** What the least value means, where it means something of its own. */
        private final String minMeaning;

        Field(long min, long max) {
            this(min, max, "");
        }

        Field(long min, long max, String minMeaning) {
            this.min = min;
            this.max = max;
            this.minMeaning = minMeaning;
        }

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** The form's errors, each naming its field; nothing was built. */
    public static final class InvalidOptionsException extends Exception {
        private final List<String> errors;

        InvalidOptionsException(List<String> errors) {
            super(String.join(" ", errors));
            this.errors = List.copyOf(errors);
        }

        /** Each error as one sentence that starts with the field's name. */
        public List<String> errors() {
            return errors;
        }
    }

    private final Map<Field, String> names;
    private final List<String> errors = new ArrayList<>();
    private MigrationOptions options;
    private ThrottleOptions throttle = ThrottleOptions.none();
    private Duration replicaLag;

    /**
     * @param names how the caller's users name each field (flags or spec paths)
     * @param base  the options the form's values change (the caller's defaults)
     */
    public OptionsForm(Map<Field, String> names, MigrationOptions base) {
        this.names = new EnumMap<>(Field.class);
        this.names.putAll(names);
        this.options = base;
    }

    public OptionsForm chunkSize(Integer rows) {
        return bounded(Field.CHUNK_SIZE, rows, value -> options.withChunkSize(value.intValue()));
    }

    public OptionsForm chunkTimeMillis(Integer millis) {
        return bounded(Field.CHUNK_TIME_MILLIS, millis, value -> options.withChunkTime(Duration.ofMillis(value)));
    }

    public OptionsForm copyWorkers(Integer workers) {
        return bounded(Field.COPY_WORKERS, workers, value -> options.withCopyWorkers(value.intValue()));
    }

    public OptionsForm applySessions(Integer sessions) {
        return bounded(Field.APPLY_SESSIONS, sessions, value -> options.withApplySessions(value.intValue()));
    }

    public OptionsForm cutOverLockTimeoutSeconds(Integer seconds) {
        return bounded(Field.CUT_OVER_LOCK_TIMEOUT_SECONDS, seconds, value -> options.withCutOverLockTimeout(Duration.ofSeconds(value)));
    }

    public OptionsForm cutOverMaxAttempts(Integer attempts) {
        return bounded(Field.CUT_OVER_MAX_ATTEMPTS, attempts, value -> options.withCutOverMaxAttempts(value.intValue()));
    }

    public OptionsForm reconnectTimeoutSeconds(Integer seconds) {
        return bounded(Field.RECONNECT_TIMEOUT_SECONDS, seconds, value -> options.withReconnectTimeout(Duration.ofSeconds(value)));
    }

    public OptionsForm statusIntervalSeconds(Integer seconds) {
        return bounded(Field.STATUS_INTERVAL_SECONDS, seconds, value -> options.withStatusInterval(Duration.ofSeconds(value)));
    }

    /** The replicas whose lag the throttle measures. */
    public OptionsForm replicas(List<ReplicaAddress> replicas) {
        if (replicas != null && !replicas.isEmpty()) {
            throttle = throttle.withReplicas(replicas);
        }
        return this;
    }

    public OptionsForm maxReplicaLagMillis(Long millis) {
        if (millis != null && inBounds(Field.MAX_REPLICA_LAG_MILLIS, millis)) {
            replicaLag = Duration.ofMillis(millis); // set at build(): it needs the replicas, which may come later
        }
        return this;
    }

    /** {@code Threads_running=25,...}; see {@link LoadLimits#parse}. */
    public OptionsForm maxLoad(String limits) {
        return load(Field.MAX_LOAD, limits, parsed -> throttle.withMaxLoad(parsed));
    }

    public OptionsForm criticalLoad(String limits) {
        return load(Field.CRITICAL_LOAD, limits, parsed -> throttle.withCriticalLoad(parsed));
    }

    /**
     * The revert window after the cut-over, written as {@link DurationText} reads it ({@code 30m},
     * {@code 2h}, {@code 0} for none), and whether its named losses are accepted.
     */
    public OptionsForm revert(String window, boolean acceptLoss) {
        if (window == null) {
            if (acceptLoss) {
                options = options.withRevert(new RevertOptions(options.revert().window(), true));
            }
            return this;
        }
        try {
            Duration parsed = DurationText.parse(window);
            if (parsed.compareTo(RevertOptions.MAX_WINDOW) > 0) {
                errors.add(name(Field.REVERT_WINDOW) + " must be at most " + DurationText.format(RevertOptions.MAX_WINDOW)
                        + " (0 for no revert window), not " + window.trim() + ".");
            } else {
                options = options.withRevert(new RevertOptions(parsed, acceptLoss));
            }
        } catch (IllegalArgumentException e) {
            errors.add(name(Field.REVERT_WINDOW) + " " + e.getMessage() + ".");
        }
        return this;
    }

    /** Any other option, which needs no checking (a switch, an enum). */
    public OptionsForm with(UnaryOperator<MigrationOptions> change) {
        options = change.apply(options);
        return this;
    }

    /** The options, or every error found. */
    public MigrationOptions build() throws InvalidOptionsException {
        if (replicaLag != null && throttle.replicas().isEmpty()) {
            errors.add(name(Field.MAX_REPLICA_LAG_MILLIS) + " needs the replicas to measure the lag on: set "
                    + name(Field.REPLICAS) + ".");
        }
        if (!errors.isEmpty()) {
            throw new InvalidOptionsException(errors);
        }
        return options.withThrottle(replicaLag == null ? throttle : throttle.withMaxReplicaLag(replicaLag));
    }

    private OptionsForm bounded(Field field, Number value, Function<Long, MigrationOptions> apply) {
        if (value != null && inBounds(field, value.longValue())) {
            options = apply.apply(value.longValue());
        }
        return this;
    }

    private boolean inBounds(Field field, long value) {
        if (value >= field.min && value <= field.max) {
            return true;
        }
        errors.add(field.max == Long.MAX_VALUE
                ? name(field) + " must be at least " + field.min + ", not " + value + "."
                : name(field) + " must be between " + field.min + field.minMeaning + " and " + field.max + ", not " + value + ".");
        return false;
    }

    private OptionsForm load(Field field, String limits, Function<LoadLimits, ThrottleOptions> apply) {
        if (limits != null) {
            try {
                throttle = apply.apply(LoadLimits.parse(limits));
            } catch (IllegalArgumentException e) {
                errors.add(name(field) + ": " + e.getMessage() + ".");
            }
        }
        return this;
    }

    private String name(Field field) {
        return names.getOrDefault(field, field.label());
    }
}
