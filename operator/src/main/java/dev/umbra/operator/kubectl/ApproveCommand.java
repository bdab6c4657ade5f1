package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.SchemaMigration;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve the cut-over (the table swap) of a SchemaMigration: sets the annotation "
                + Annotations.APPROVE_CUT_OVER + "=true.",
            "With cutOver.approval Manual the migration waits in AwaitingCutOver until then; approved earlier, it cuts"
                + " over as soon as the copy has caught up. An approval cannot be withdrawn: abort instead.",
            "Refused for a Done, Failed or Aborted migration."})
final class ApproveCommand implements Callable<Integer> {

    @ParentCommand
    private KubectlUmbra root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private NamespaceOption namespace;

    @Parameters(paramLabel = "NAME", description = "The SchemaMigration.")
    private String name;

    @Override
    public Integer call() {
        Migrations migrations = root.migrations();
        String inNamespace = namespace.resolve(migrations.client());
        SchemaMigration migration = migrations.get(inNamespace, name);
        Migrations.refuseIfFinal(migration, "approve");
        PrintWriter out = spec.commandLine().getOut();
        String target = "SchemaMigration " + Migrations.qualifiedName(migration);
        if (Annotations.isSet(migration, Annotations.APPROVE_CUT_OVER)) {
            out.println("The cut-over of " + target + " is already approved; nothing changed.");
            return KubectlUmbra.EXIT_OK;
        }
        migrations.annotate(inNamespace, name, Annotations.APPROVE_CUT_OVER, "true");
        out.println("Approved the cut-over of " + target + " (" + Annotations.APPROVE_CUT_OVER + "=true); phase "
                + TextTable.cell(Migrations.phaseOf(migration)) + ".");
        if (Annotations.isSet(migration, Annotations.PAUSED)) {
            out.println("It is paused: it cuts over only after 'kubectl umbra resume " + name + "'.");
        }
        return KubectlUmbra.EXIT_OK;
    }
}
