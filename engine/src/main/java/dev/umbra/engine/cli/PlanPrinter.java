package dev.umbra.engine.cli;

import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.alter.UniqueKeyDefinition;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.inspect.RunPlans;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.progress.RunPlan;
import dev.umbra.engine.table.ColumnMapping;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.stream.Collectors;

/** Prints what a dry run found: the plan a real run would follow (the CLI's and kubectl umbra's). */
public final class PlanPrinter {

    private PlanPrinter() {
    }

    static void print(PrintWriter out, TableName table, Inspection inspection, RunPlan plan) {
        out.println("Dry run: inspection passed; nothing was changed. Add --execute to migrate.");
        out.println();
        printPlan(out, table, inspection, plan);
    }

    /** The plan alone: server, table, what the ALTER does, method, helper tables, key, columns, estimates. */
    public static void printPlan(PrintWriter out, TableName table, Inspection inspection, RunPlan plan) {
        ParsedAlter alter = inspection.alter();
        ColumnMapping mapping = inspection.mapping();
        row(out, "Server", inspection.server().flavorName() + " (" + inspection.server().versionText() + ")");
        row(out, "Table", "`" + table.schema() + "`.`" + table.name() + "` (" + inspection.original().engine() + ")");
        row(out, "ALTER", alter.clauseList());
        if (!alter.addedColumns().isEmpty()) {
            row(out, "  adds columns", names(alter.addedColumns()));
        }
        if (!alter.droppedColumns().isEmpty()) {
            row(out, "  drops columns", names(alter.droppedColumns()));
        }
        if (!alter.modifiedColumns().isEmpty()) {
            row(out, "  modifies columns", names(alter.modifiedColumns()));
        }
        if (!alter.columnRenames().isEmpty()) {
            row(out, "  renames columns", alter.columnRenames().entrySet().stream()
                    .map(rename -> rename.getKey() + " -> " + rename.getValue()).collect(Collectors.joining(", ")));
        }
        if (alter.addsUniqueKey()) {
            row(out, "  adds unique keys", alter.addedUniqueKeys().stream().map(PlanPrinter::describe)
                    .collect(Collectors.joining(", ")) + " (each includes an existing unique key, so no row can collide)");
        }
        if (alter.changesPrimaryKey()) {
            row(out, "  primary key", "changed");
        }
        alter.explicitAutoIncrement().ifPresent(value -> row(out, "  AUTO_INCREMENT", Long.toString(value)));
        if (alter.addsForeignKey()) {
            row(out, "  foreign keys", "added");
        }
        row(out, "Method", plan.method() == RunPlan.Method.INSTANT
                ? "instant ALTER (metadata only; the online copy if the server refuses at the cut-over)"
                : "online copy (ghost table, chunked copy, binlog replay, swap)");
        row(out, "Helper tables", "ghost `" + inspection.helpers().ghost() + "`, changelog `"
                + inspection.helpers().changelog() + "`, old table after cut-over `" + inspection.helpers().old() + "`");
        row(out, "Migration key", plan.key());
        row(out, "Columns copied", mapping.columns().size() + ": " + mapping.columns().stream()
                .map(RunPlans::column).collect(Collectors.joining(", ")));
        if (mapping.shiftsTemporalValues()) {
            row(out, "Time zone", RunPlans.timeZoneConversion(mapping));
        }
        if (!inspection.foreignKeys().isEmpty()) {
            row(out, "Foreign keys", RunPlans.foreignKeys(inspection) + ": kept, moved to the new table at the cut-over under its lock");
        }
        RunPlans.cascades(inspection).ifPresent(cascades -> row(out, "Cascades", cascades));
        if (!inspection.triggers().isEmpty()) {
            row(out, "Triggers", RunPlans.triggers(inspection) + ": kept, moved to the new table at the cut-over under its lock (an instant ALTER leaves them in place)");
        }
        row(out, "Revert", plan.revert().describe());
        row(out, "Estimated rows", Long.toString(plan.estimatedRows()));
        row(out, "Estimated size", plan.sizeText() + " (data and indexes)");
        plan.estimatedCopyTime().ifPresent(time -> row(out, "Estimated copy", "about " + StatusReporter.duration(time)
                + " (from the server's statistics; the ETA measured while copying replaces it)"));
        out.flush();
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-20s %s%n", label + ":", value);
    }

    private static String names(Collection<String> names) {
        return String.join(", ", names);
    }

    private static String describe(UniqueKeyDefinition key) {
        String name = key.primary() ? "PRIMARY KEY" : key.name().map(n -> "`" + n + "`").orElse("unnamed");
        return name + " (" + String.join(", ", key.columns()) + ")";
    }
}
