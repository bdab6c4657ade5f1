package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.SchemaMigration;
import java.io.PrintWriter;
import picocli.CommandLine.Parameters;

/**
 * A command that steers one SchemaMigration by its control annotations. Each finds the resource,
 * refuses one that has ended (an annotation would change nothing, and abort would not undo it; revert
 * refuses all but a Done one with its window open), and then sets or removes its annotation by a
 * merge patch of the annotations alone.
 */
abstract class SteeringCommand extends KubectlCommand {

    @Parameters(paramLabel = "NAME", description = "The SchemaMigration.")
    private String name;

    /** What the command does, in the refusal of an ended migration ("approve", "pause", ...). */
    abstract String verb();

    /** Steers the migration found; prints what it did or why nothing changed. */
    abstract void steer(Target target, PrintWriter out);

    @Override
    public final Integer call() {
        Migrations migrations = migrations();
        String inNamespace = namespace();
        SchemaMigration migration = migrations.get(inNamespace, name);
        refuseIfNothingToSteer(migration);
        steer(new Target(migrations, inNamespace, name, migration), out());
        return KubectlUmbra.EXIT_OK;
    }

    /** Refuses, with why, a migration this command cannot change: by default one in a final phase. */
    void refuseIfNothingToSteer(SchemaMigration migration) {
        Migrations.refuseIfFinal(migration, verb());
    }

    /** The migration a command steers, as read before it changes anything. */
    record Target(Migrations migrations, String namespace, String name, SchemaMigration migration) {

        /** "SchemaMigration namespace/name", for messages. */
        String described() {
            return "SchemaMigration " + Migrations.qualifiedName(migration);
        }

        /** Sets the annotation, or removes it when {@code value} is null. */
        void annotate(String annotation, String value) {
            migrations.annotate(namespace, name, annotation, value);
        }
    }
}
