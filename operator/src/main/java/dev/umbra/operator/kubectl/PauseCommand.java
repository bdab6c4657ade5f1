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

@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Pause a SchemaMigration: sets the annotation " + Annotations.PAUSED + "=true.",
            "The row copy and the binlog replay hold, and it does not cut over, until 'kubectl umbra resume';"
                + " a Pending migration does not start."})
final class PauseCommand implements Callable<Integer> {

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
        Migrations.refuseIfFinal(migration, "pause");
        PrintWriter out = spec.commandLine().getOut();
        String target = "SchemaMigration " + Migrations.qualifiedName(migration);
        if (Annotations.isSet(migration, Annotations.PAUSED)) {
            out.println(target + " is already paused; nothing changed.");
            return KubectlUmbra.EXIT_OK;
        }
        migrations.annotate(inNamespace, name, Annotations.PAUSED, "true");
        out.println("Paused " + target + " (" + Annotations.PAUSED + "=true); 'kubectl umbra resume " + name
                + "' lets it go on.");
        return KubectlUmbra.EXIT_OK;
    }
}
