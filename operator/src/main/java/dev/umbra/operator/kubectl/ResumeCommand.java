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

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a SchemaMigration: removes the annotation " + Annotations.PAUSED + ".")
final class ResumeCommand implements Callable<Integer> {

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
        Migrations.refuseIfFinal(migration, "resume");
        PrintWriter out = spec.commandLine().getOut();
        String target = "SchemaMigration " + Migrations.qualifiedName(migration);
        // any value is removed, not only "true": a leftover "false" would only confuse the next reader
        if (!Migrations.annotationsOf(migration).containsKey(Annotations.PAUSED)) {
            out.println(target + " is not paused; nothing changed.");
            return KubectlUmbra.EXIT_OK;
        }
        migrations.annotate(inNamespace, name, Annotations.PAUSED, null);
        out.println("Resumed " + target + " (removed " + Annotations.PAUSED + ").");
        return KubectlUmbra.EXIT_OK;
    }
}
