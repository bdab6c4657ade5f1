package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "abort", mixinStandardHelpOptions = true,
        description = {"Abort a SchemaMigration: sets the annotation " + Annotations.ABORT + "=true (needs --yes).",
            AbortCommand.WHAT_ABORT_DOES})
final class AbortCommand extends SteeringCommand {

    static final String WHAT_ABORT_DOES = "The migration stops, its helper tables (ghost and changelog) are dropped, the"
            + " original table stays as it is, and it ends Aborted: it never runs again.";

    @Option(names = "--yes", description = "Abort for real: it cannot be undone.")
    private boolean yes;

    @Override
    String verb() {
        return "abort";
    }

    @Override
    void steer(Target target, PrintWriter out) {
        if (Annotations.isSet(target.migration(), Annotations.ABORT)) {
            out.println("Abort of " + target.described() + " is already requested; nothing changed.");
            return;
        }
        if (!yes) {
            throw new CommandFailure("Not aborted: " + WHAT_ABORT_DOES + " To abort " + target.described() + ", add --yes.");
        }
        target.annotate(Annotations.ABORT, "true");
        out.println("Requested abort of " + target.described() + " (" + Annotations.ABORT + "=true): the operator drops"
                + " its helper tables and leaves the original table as it is.");
    }
}
