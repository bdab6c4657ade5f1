package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.Annotations;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.reconcile.PlanFactory;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.status.RevertRefusal;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "revert", mixinStandardHelpOptions = true,
        description = {"Undo a SchemaMigration's cut-over within its revert window: sets the annotation " + Annotations.REVERT
                + "=true.",
            "The tables are swapped back by the cut-over's machinery (bounded lock, attempts): the table gets its old"
                + " definition with every row written since the cut-over, and the phase becomes Reverted.",
            "Only while the migration is Done with its window open (spec.revert.window; status.revert.reversible true, the"
                + " Revertible column); refused otherwise, saying why."})
final class RevertCommand extends SteeringCommand {

    @Override
    String verb() {
        return "revert";
    }

    /** Only Done with the window open: the operator would refuse anything else, and say why in an Event. */
    @Override
    void refuseIfNothingToSteer(SchemaMigration migration) {
        SchemaMigrationStatus status = migration.getStatus() != null ? migration.getStatus() : new SchemaMigrationStatus();
        RevertRefusal.of(status, PlanFactory.revert(migration.getSpec())).ifPresent(refusal -> {
            throw new CommandFailure("SchemaMigration " + Migrations.qualifiedName(migration) + ": " + refusal.message());
        });
        if (Boolean.TRUE.equals(status.getRevert() == null ? null : status.getRevert().getReversible())) {
            return;
        }
        throw new CommandFailure("SchemaMigration " + Migrations.qualifiedName(migration) + " is " + status.getPhase()
                + ": nothing to revert.");
    }

    @Override
    void steer(Target target, PrintWriter out) {
        if (Annotations.isSet(target.migration(), Annotations.REVERT)) {
            SchemaMigrationStatus status = target.migration().getStatus();
            if (Conditions.isTrue(status, Conditions.REVERT_REQUESTED)) {
                out.println("The revert of " + target.described() + " is already requested; nothing changed.");
                return;
            }
            // set before the window opened: the operator refused it then, and acts only on a new setting
            target.annotate(Annotations.REVERT, null);
            out.println("Removed the annotation " + Annotations.REVERT + " of " + target.described() + ": it was set before"
                    + " the revert window opened, and the operator acts only on one set within the window. Run 'kubectl umbra"
                    + " revert " + target.name() + "' again to request the revert.");
            return;
        }
        target.annotate(Annotations.REVERT, "true");
        out.println("Requested the revert of " + target.described() + " (" + Annotations.REVERT + "=true): the operator swaps"
                + " the tables back; 'kubectl umbra status " + target.name() + "' shows it Reverted once done.");
    }
}
