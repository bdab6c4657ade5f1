package dev.umbra.engine.inspect;

import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.relation.TableTrigger;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.MappedColumn;
import dev.umbra.engine.table.UniqueKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The {@link RunPlan} an inspection leads to. */
public final class RunPlans {

    /**
     * A rough single-session copy rate: the benchmark's 1,000,000 rows of about 300 bytes copy in
     * 9-15 s on two cores. Real rates depend on the server, its load and the throttle; the plan says
     * "about", and the ETA measured while copying replaces it.
     */
    private static final long ROWS_PER_SECOND = 60_000;
    private static final long BYTES_PER_SECOND = 20L << 20;
    /** An InnoDB record's header, transaction id and roll pointer alone take 18 bytes; statistics below that per row are stale. */
    private static final long MIN_ROW_BYTES = 18;

    private RunPlans() {
    }

    /**
     * @param instant whether the server accepted the ALTER with {@code ALGORITHM=INSTANT} on an empty
     *                copy of the table (and instant DDL is allowed)
     */
    public static RunPlan of(Inspection inspection, boolean instant) {
        List<String> warnings = new ArrayList<>();
        inspection.resumedCheckpoint().ifPresent(checkpoint -> warnings.add("an interrupted run of this migration left a"
                + " checkpoint (saved at " + checkpoint.savedAt() + "): the copy resumes from it"));
        ColumnMapping mapping = inspection.mapping();
        if (mapping.shiftsTemporalValues()) {
            warnings.add(timeZoneConversion(mapping));
        }
        if (!inspection.foreignKeys().isEmpty()) {
            warnings.add("foreign keys " + foreignKeys(inspection) + " move to the new table at the cut-over, under its lock");
        }
        cascades(inspection).ifPresent(warnings::add);
        if (!inspection.triggers().isEmpty()) {
            warnings.add("triggers " + triggers(inspection) + " move to the new table at the cut-over, under its lock");
        }
        if (inspection.estimatedRows() > 0 && inspection.estimatedBytes() < inspection.estimatedRows() * MIN_ROW_BYTES) {
            warnings.add("the server's size statistics look stale (" + inspection.estimatedBytes() + " bytes for about "
                    + inspection.estimatedRows() + " rows; an InnoDB row takes at least " + MIN_ROW_BYTES + "): the size is"
                    + " too low, and the copy time is estimated from the rows");
        }
        if (instant) {
            warnings.add("the server does this ALTER instantly (metadata only, no copy); if it refuses on the table"
                    + " itself at the cut-over, the online copy runs instead");
        }
        Optional<Duration> copyTime = instant ? Optional.empty()
                : Optional.of(copyTime(inspection.estimatedRows(), inspection.estimatedBytes()));
        return new RunPlan(instant ? RunPlan.Method.INSTANT : RunPlan.Method.ONLINE_COPY, key(mapping),
                inspection.estimatedRows(), inspection.estimatedBytes(), copyTime, inspection.helpers().ghost(),
                inspection.helpers().changelog(), inspection.helpers().old(), warnings, Reversibility.of(inspection, instant));
    }

    /** How TIMESTAMP and DATETIME values convert, for a mapping that {@link ColumnMapping#shiftsTemporalValues}. */
    public static String timeZoneConversion(ColumnMapping mapping) {
        return "TIMESTAMP <-> DATETIME values convert in " + mapping.zone().name()
                + " (the server's @@global.time_zone), as the server's own ALTER would";
    }

    /** The original's foreign keys that move at the cut-over, e.g. {@code `t_owner` (owner_id) -> `s`.`owners` (id)}. */
    public static String foreignKeys(Inspection inspection) {
        return inspection.foreignKeys().stream().map(ForeignKey::describe).collect(Collectors.joining(", "));
    }

    /**
     * What the original's cascading foreign keys mean for the run, if it has any: e.g. {@code
     * deletes and key changes in `owners` (ON DELETE CASCADE) are made to the new table as they come
     * through the binlog; `owners` is locked for reading with the table during the cut-over}.
     */
    public static Optional<String> cascades(Inspection inspection) {
        List<ForeignKey> cascading = inspection.foreignKeys().stream().filter(ForeignKey::changesChildRows).toList();
        if (cascading.isEmpty()) {
            return Optional.empty();
        }
        String parents = cascading.stream().map(key -> "`" + key.referencedTable() + "`").distinct().collect(Collectors.joining(", "));
        return Optional.of("changes of " + parents + " that cascade into the table ("
                + cascading.stream().map(key -> "`" + key.name() + "` " + key.childChangingRules()).collect(Collectors.joining(", "))
                + ") are made to the new table as they come through the binlog; " + parents
                + " is locked for reading with the table during the cut-over");
    }

    /** The original's triggers that move at the cut-over, e.g. {@code `t_stamp` (BEFORE INSERT)}. */
    public static String triggers(Inspection inspection) {
        return inspection.triggers().stream().map(TableTrigger::describe).collect(Collectors.joining(", "));
    }

    /** The key the copy walks, with its columns as the new table names them, e.g. {@code PRIMARY KEY (id)}. */
    public static String key(ColumnMapping mapping) {
        UniqueKey key = mapping.originalKey();
        String name = key.isPrimary() ? "PRIMARY KEY" : "unique key `" + key.name() + "`";
        return name + " (" + mapping.key().stream().map(RunPlans::column).collect(Collectors.joining(", ")) + ")";
    }

    /** A copied column by its original name, with {@code -> new} when the ALTER renames it. */
    public static String column(MappedColumn column) {
        String name = column.original().name();
        return name.equals(column.ghostName()) ? name : name + " -> " + column.ghostName();
    }

    private static Duration copyTime(long rows, long bytes) {
        long seconds = Math.max(rows / ROWS_PER_SECOND, bytes / BYTES_PER_SECOND);
        return Duration.ofSeconds(Math.max(1, seconds));
    }
}
