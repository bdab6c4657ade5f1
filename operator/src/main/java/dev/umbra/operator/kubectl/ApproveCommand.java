package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve the cut-over (the table swap) of a SchemaMigration: sets the annotation "
                + Annotations.APPROVE_CUT_OVER + "=true.",
            "With cutOver.approval Manual the migration waits in AwaitingCutOver until then; approved earlier, it cuts"
                + " over as soon as the copy has caught up. An approval cannot be withdrawn: abort instead.",
            "Refused for a Done, Failed or Aborted migration."})
final class ApproveCommand extends SteeringCommand {

    @Override
    String verb() {
        return "approve";
    }

    @Override
    void steer(Target target, PrintWriter out) {
        if (Annotations.isSet(target.migration(), Annotations.APPROVE_CUT_OVER)) {
            out.println("The cut-over of " + target.described() + " is already approved; nothing changed.");
            return;
        }
        target.annotate(Annotations.APPROVE_CUT_OVER, "true");
        out.println("Approved the cut-over of " + target.described() + " (" + Annotations.APPROVE_CUT_OVER + "=true); phase "
                + TextTable.cell(Migrations.phaseOf(target.migration())) + ".");
        if (Annotations.isSet(target.migration(), Annotations.PAUSED)) {
            out.println("It is paused: it cuts over only after 'kubectl umbra resume " + target.name() + "'.");
        }
    }
}
