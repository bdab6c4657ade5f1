package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.HelperTableNames;
import dev.umbra.operator.model.PlanStatus;
import dev.umbra.operator.model.RevertStatus;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Durations;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show one SchemaMigration: phase, progress, lag, throttling, what it waits for, its revert window, its"
                + " plan, its conditions and its last 5 Events.")
final class StatusCommand extends KubectlCommand {

    static final int EVENTS_SHOWN = 5;
    private static final String LABEL = "%-19s%s";

    @Parameters(paramLabel = "NAME", description = "The SchemaMigration.")
    private String name;

    @Override
    public Integer call() {
        Migrations migrations = migrations();
        SchemaMigration migration = migrations.get(namespace(), name);
        SchemaMigrationStatus status = migration.getStatus() != null ? migration.getStatus() : new SchemaMigrationStatus();
        PrintWriter out = out();
        line(out, "Name:", Migrations.qualifiedName(migration));
        line(out, "Table:", migration.getSpec() == null ? null : migration.getSpec().getTable());
        line(out, "Phase:", status.getPhase());
        line(out, "Stage:", status.getStage());
        line(out, "Message:", status.getMessage());
        line(out, "Progress:", progress(status));
        line(out, "ETA:", status.getEta());
        line(out, "Apply lag:", status.getLag() != null ? status.getLag()
                : status.getApplyLagMillis() == null ? null : Durations.human(Duration.ofMillis(status.getApplyLagMillis())));
        line(out, "Throttled:", status.getThrottleReason() == null ? null
                : status.getThrottleReason() + (status.getThrottledSince() == null ? "" : " (since " + status.getThrottledSince() + ")"));
        line(out, "Waiting for:", status.getWaitingFor());
        line(out, "Cut-over attempts:", status.getCutOverAttempts());
        line(out, "Helper tables:", helperTables(status.getHelperTables()));
        line(out, "Revert:", revert(status.getRevert()));
        printPlan(out, status.getPlan());
        printConditions(out, status.getConditions());
        printEvents(out, migrations.eventsOf(migration));
        return KubectlUmbra.EXIT_OK;
    }

    private static void printPlan(PrintWriter out, PlanStatus plan) {
        if (plan == null) {
            return;
        }
        line(out, "Plan:", plan.getMethod() + " by " + plan.getKey());
        line(out, "  estimated:", plan.getEstimatedRows() + " rows, " + plan.getEstimatedSize()
                + (plan.getEstimatedCopy() == null ? "" : ", copy about " + plan.getEstimatedCopy()));
        for (String warning : plan.getWarnings()) {
            line(out, "  note:", warning);
        }
        if (plan.getRevert() != null) {
            List<String> findings = plan.getRevertFindings() == null ? List.of() : plan.getRevertFindings();
            line(out, "  revert:", plan.getRevert() + (findings.isEmpty() ? "" : ": " + String.join("; ", findings)));
        }
    }

    /** The revert window: open until when and how far behind, or why no revert is possible. */
    private static String revert(RevertStatus window) {
        if (window == null) {
            return null;
        }
        if (Boolean.TRUE.equals(window.getReversible())) {
            return "possible until " + window.getUntil()
                    + (window.getLagMillis() == null ? "" : ", old table " + Durations.human(Duration.ofMillis(window.getLagMillis()))
                    + " behind") + (window.getReason() == null ? "" : "; " + window.getReason());
        }
        return "not possible" + (window.getReason() == null ? "" : ": " + window.getReason());
    }

    private static void line(PrintWriter out, String label, Object value) {
        out.println(String.format(LABEL, label, TextTable.cell(value)));
    }

    private static String progress(SchemaMigrationStatus status) {
        String progress = ListCommand.progressOf(status);
        if (progress == null || status.getRowsCopied() == null) {
            return progress;
        }
        // "about": rowsEstimated is the server's guess, not a count
        return progress + " (" + status.getRowsCopied() + " rows copied"
                + (status.getRowsEstimated() == null ? "" : " of about " + status.getRowsEstimated()) + ")";
    }

    private static String helperTables(HelperTableNames tables) {
        if (tables == null) {
            return null;
        }
        List<String> named = new ArrayList<>();
        addIfSet(named, "ghost", tables.getGhost());
        addIfSet(named, "changelog", tables.getChangelog());
        addIfSet(named, "old", tables.getOld());
        addIfSet(named, "checkpoint", tables.getCheckpoint());
        return String.join(", ", named);
    }

    private static void addIfSet(List<String> named, String role, String table) {
        if (table != null) {
            named.add(role + " " + table);
        }
    }

    private static void printConditions(PrintWriter out, List<Condition> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            line(out, "Conditions:", null);
            return;
        }
        out.println("Conditions:");
        for (Condition condition : conditions) {
            out.println("  " + condition.getType() + "=" + condition.getStatus()
                    + (condition.getReason() == null ? "" : " " + condition.getReason()));
        }
    }

    private void printEvents(PrintWriter out, List<Event> events) {
        if (events.isEmpty()) {
            // the API server deletes Events after an hour by default
            line(out, "Events:", "none (Events expire, by default after an hour)");
            return;
        }
        Instant now = root().clock().instant();
        List<Event> newestFirst = events.stream()
                .sorted(Comparator.comparing(StatusCommand::lastSeen, Comparator.nullsLast(Comparator.reverseOrder())))
                .limit(EVENTS_SHOWN)
                .toList();
        out.println("Events (newest first):");
        TextTable table = new TextTable("LAST SEEN", "TYPE", "REASON", "COUNT", "MESSAGE");
        for (Event event : newestFirst) {
            Instant lastSeen = lastSeen(event);
            table.row(lastSeen == null ? null : Durations.human(Duration.between(lastSeen, now)) + " ago", event.getType(),
                    event.getReason(), String.valueOf(event.getCount() == null ? 1 : event.getCount()), event.getMessage());
        }
        table.print(out, "  ");
    }

    /** lastTimestamp, as the operator writes it; events.k8s.io writers set only eventTime. */
    private static Instant lastSeen(Event event) {
        if (event.getLastTimestamp() != null) {
            return parse(event.getLastTimestamp());
        }
        if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
            return parse(event.getEventTime().getTime());
        }
        return event.getFirstTimestamp() != null ? parse(event.getFirstTimestamp()) : parse(event.getMetadata().getCreationTimestamp());
    }

    private static Instant parse(String timestamp) {
        try {
            return timestamp == null ? null : Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
