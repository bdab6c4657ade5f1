package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a SchemaMigration: removes the annotation " + Annotations.PAUSED + ".")
final class ResumeCommand extends SteeringCommand {

    @Override
    String verb() {
        return "resume";
    }

    @Override
    void steer(Target target, PrintWriter out) {
        // any value is removed, not only "true": a leftover "false" would only confuse the next reader
        if (!Migrations.annotationsOf(target.migration()).containsKey(Annotations.PAUSED)) {
            out.println(target.described() + " is not paused; nothing changed.");
            return;
        }
        target.annotate(Annotations.PAUSED, null);
        out.println("Resumed " + target.described() + " (removed " + Annotations.PAUSED + ").");
    }
}
