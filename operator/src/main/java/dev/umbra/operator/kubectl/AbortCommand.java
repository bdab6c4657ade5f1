package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.SchemaMigration;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "abort", mixinStandardHelpOptions = true,
        description = {"Abort a SchemaMigration: sets the annotation " + Annotations.ABORT + "=true (needs --yes).",
            AbortCommand.WHAT_ABORT_DOES})
final class AbortCommand implements Callable<Integer> {

    static final String WHAT_ABORT_DOES = "The migration stops, its helper tables (ghost and changelog) are dropped, the"
            + " original table stays as it is, and it ends Aborted: it never runs again.";

    @ParentCommand
    private KubectlUmbra root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private NamespaceOption namespace;

    @Parameters(paramLabel = "NAME", description = "The SchemaMigration.")
    private String name;

    @Option(names = "--yes", description = "Abort for real: it cannot be undone.")
    private boolean yes;

    @Override
    public Integer call() {
        Migrations migrations = root.migrations();
        String inNamespace = namespace.resolve(migrations.client());
        SchemaMigration migration = migrations.get(inNamespace, name);
        Migrations.refuseIfFinal(migration, "abort");
        PrintWriter out = spec.commandLine().getOut();
        String target = "SchemaMigration " + Migrations.qualifiedName(migration);
        if (Annotations.isSet(migration, Annotations.ABORT)) {
            out.println("Abort of " + target + " is already requested; nothing changed.");
            return KubectlUmbra.EXIT_OK;
        }
        if (!yes) {
            throw new CommandFailure("Not aborted: " + WHAT_ABORT_DOES + " To abort " + target + ", add --yes.");
        }
        migrations.annotate(inNamespace, name, Annotations.ABORT, "true");
        out.println("Requested abort of " + target + " (" + Annotations.ABORT + "=true): the operator drops its helper"
                + " tables and leaves the original table as it is.");
        return KubectlUmbra.EXIT_OK;
    }
}
