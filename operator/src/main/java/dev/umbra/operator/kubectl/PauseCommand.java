package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Pause a SchemaMigration: sets the annotation " + Annotations.PAUSED + "=true.",
            "The row copy and the binlog replay hold, and it does not cut over, until 'kubectl umbra resume';"
                + " a Pending migration does not start."})
final class PauseCommand extends SteeringCommand {

    @Override
    String verb() {
        return "pause";
    }

    @Override
    void steer(Target target, PrintWriter out) {
        if (Annotations.isSet(target.migration(), Annotations.PAUSED)) {
            out.println(target.described() + " is already paused; nothing changed.");
            return;
        }
        target.annotate(Annotations.PAUSED, "true");
        out.println("Paused " + target.described() + " (" + Annotations.PAUSED + "=true); 'kubectl umbra resume "
                + target.name() + "' lets it go on.");
    }
}
