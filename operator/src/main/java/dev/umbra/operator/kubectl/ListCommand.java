package dev.umbra.operator.kubectl;

import dev.umbra.operator.model.SchemaMigration;
import dev.umbra.operator.model.SchemaMigrationStatus;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List SchemaMigrations with their phase, progress, ETA, apply lag and what they wait for.")
final class ListCommand extends KubectlCommand {

    @Option(names = {"-A", "--all-namespaces"}, description = "List the SchemaMigrations of every namespace.")
    private boolean allNamespaces;

    @Override
    public Integer call() {
        Migrations migrations = migrations();
        String inNamespace = namespace();
        List<SchemaMigration> items = (allNamespaces ? migrations.listAllNamespaces() : migrations.list(inNamespace)).stream()
                .sorted(Comparator.comparing((SchemaMigration m) -> m.getMetadata().getNamespace())
                        .thenComparing(m -> m.getMetadata().getName()))
                .toList();
        PrintWriter out = out();
        if (items.isEmpty()) {
            // on stderr, as kubectl says it, so that a script reading stdout sees no rows
            err().println(allNamespaces ? "No SchemaMigrations found."
                    : "No SchemaMigrations found in namespace " + inNamespace + ".");
            return KubectlUmbra.EXIT_OK;
        }
        TextTable table = allNamespaces
                ? new TextTable("NAMESPACE", "NAME", "TABLE", "PHASE", "PROGRESS", "ETA", "LAG", "WAITING FOR")
                : new TextTable("NAME", "TABLE", "PHASE", "PROGRESS", "ETA", "LAG", "WAITING FOR");
        for (SchemaMigration migration : items) {
            SchemaMigrationStatus status = migration.getStatus() != null ? migration.getStatus() : new SchemaMigrationStatus();
            String[] cells = {migration.getMetadata().getName(),
                migration.getSpec() == null ? null : migration.getSpec().getTable(),
                TextTable.cell(status.getPhase()), progressOf(status), status.getEta(), status.getLag(), status.getWaitingFor()};
            table.row(allNamespaces ? prepend(migration.getMetadata().getNamespace(), cells) : cells);
        }
        table.print(out, "");
        return KubectlUmbra.EXIT_OK;
    }

    /** The operator's own text when it wrote one, else the percentage it is made from. */
    static String progressOf(SchemaMigrationStatus status) {
        if (status.getProgress() != null) {
            return status.getProgress();
        }
        return status.getPercent() == null ? null : String.format(Locale.ROOT, "%.1f%%", status.getPercent());
    }

    private static String[] prepend(String first, String[] rest) {
        String[] cells = new String[rest.length + 1];
        cells[0] = first;
        System.arraycopy(rest, 0, cells, 1, rest.length);
        return cells;
    }
}
