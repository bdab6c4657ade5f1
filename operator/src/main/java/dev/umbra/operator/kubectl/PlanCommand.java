package dev.umbra.operator.kubectl;

import dev.umbra.engine.cli.PlanPrinter;
import dev.umbra.engine.failure.MigrationFailedException;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.run.MigrationRunner;
import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.reconcile.Credentials;
import dev.umbra.operator.reconcile.InvalidMigrationException;
import dev.umbra.operator.reconcile.PlanFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Inspect a SchemaMigration manifest against its database without creating the resource:"
                + " the checks the operator runs first (server, grants, table, ALTER) and the plan a run would follow.",
            "Reads the login Secret the manifest names from the cluster; connects to the database from where this"
                + " runs (use a port-forward for a database only the cluster reaches). Nothing is created or changed."})
final class PlanCommand extends KubectlCommand {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "MANIFEST",
            description = "A file holding one SchemaMigration.")
    private Path manifest;

    @Override
    public Integer call() {
        Migrations migrations = migrations();
        SchemaMigration migration = read(migrations);
        String inNamespace = migration.getMetadata().getNamespace() != null ? migration.getMetadata().getNamespace()
                : namespace();
        MigrationPlan plan;
        try {
            plan = PlanFactory.plan(migration.getSpec(),
                    new Credentials(migrations.client()).read(inNamespace, migration.getSpec().getDatabase()), false);
        } catch (InvalidMigrationException e) {
            throw new CommandFailure("Invalid (" + e.reason() + "): " + e.getMessage());
        }
        PrintWriter out = out();
        try {
            MigrationRunner runner = new MigrationRunner(plan, progress -> { });
            Inspection inspection = runner.inspectOnly();
            out.println("Plan for SchemaMigration " + inNamespace + "/" + migration.getMetadata().getName()
                    + ": inspection passed; nothing was created or changed.");
            out.println();
            PlanPrinter.printPlan(out, plan.tableName(), inspection, runner.progress().plan().orElseThrow());
            return KubectlUmbra.EXIT_OK;
        } catch (MigrationRefusedException e) {
            throw new CommandFailure("Refused: " + e.getMessage());
        } catch (MigrationFailedException e) {
            throw new CommandFailure("Failed: " + e.getMessage());
        }
    }

    private SchemaMigration read(Migrations migrations) {
        SchemaMigration migration;
        try (InputStream in = Files.newInputStream(manifest)) {
            migration = migrations.client().getKubernetesSerialization().unmarshal(in, SchemaMigration.class);
        } catch (IOException e) {
            throw new CommandFailure("Cannot read " + manifest + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new CommandFailure(manifest + " is not a SchemaMigration manifest: " + e.getMessage());
        }
        if (migration == null || migration.getSpec() == null || migration.getSpec().getDatabase() == null) {
            throw new CommandFailure(manifest + " holds no SchemaMigration with a spec.database.");
        }
        return migration;
    }
}
