package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigration;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve what a SchemaMigration waits for: its plan (sets the annotation " + Annotations.APPROVE_PLAN
                + "=true) while the plan is due, otherwise its cut-over (sets " + Annotations.APPROVE_CUT_OVER + "=true).",
            "The plan is due while the migration waits in AwaitingPlanApproval, or before that when spec.approval.plan is"
                + " Manual; read it first with 'kubectl umbra status NAME'.",
            "With cutOver.approval Manual the migration waits in AwaitingCutOver until the cut-over is approved; approved"
                + " earlier, it cuts over as soon as the copy has caught up. An approval cannot be withdrawn: abort instead.",
            "Refused for a Done, Failed or Aborted migration."})
final class ApproveCommand extends SteeringCommand {

    @Override
    String verb() {
        return "approve";
    }

    @Override
    void steer(Target target, PrintWriter out) {
        if (planIsDue(target.migration())) {
            target.annotate(Annotations.APPROVE_PLAN, "true");
            out.println("Approved the plan of " + target.described() + " (" + Annotations.APPROVE_PLAN + "=true); phase "
                    + TextTable.cell(Migrations.phaseOf(target.migration())) + ". The cut-over is approved separately,"
                    + " with 'kubectl umbra approve " + target.name() + "' again once it is due.");
            return;
        }
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

    /** A plan to approve, not approved yet, and the migration not past it. */
    private static boolean planIsDue(SchemaMigration migration) {
        MigrationPhase phase = Migrations.phaseOf(migration);
        boolean beforeCopy = phase == null || phase == MigrationPhase.PENDING || phase == MigrationPhase.INSPECTING
                || phase == MigrationPhase.AWAITING_PLAN_APPROVAL;
        return migration.getSpec() != null && migration.getSpec().planApproval() == Approval.MANUAL && beforeCopy
                && !Annotations.isSet(migration, Annotations.APPROVE_PLAN);
    }
}
