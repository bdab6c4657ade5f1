package dev.umbra.engine.cli;

import dev.umbra.engine.apply.Changelog;
import dev.umbra.engine.checkpoint.RevertWindowCheckpoint;
import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.table.HelperTables;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code umbra revert}: asks the {@code umbra migrate} that keeps a table's revert window to swap
 * the tables back. The request is a row in the migration's changelog table, which the migrating
 * process reads from the binlog like its own markers: so it works from any host that can log in to
 * the server, and a run stopped meanwhile finds it when it takes the window up again.
 */
@Command(name = "revert",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        exitCodeOnExecutionException = UmbraCli.EXIT_FAILED,
        description = {
            "Within a migration's revert window (umbra migrate --revert-window), asks the umbra migrate process that"
                    + " keeps it to swap the tables back: the table gets its old definition again, with every row"
                    + " written since the cut-over.",
            "The request goes through the server, so any host that can log in may send it; the migrating process"
                    + " makes the swap and ends Reverted."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The revert was asked for.",
            "2:Bad usage.",
            "3:No revert window is open for the table; nothing was changed.",
            "4:The server could not be reached or written to."})
final class RevertCommand implements Callable<Integer> {

    @ParentCommand
    private UmbraCli parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerLogin login;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConnectionSettings settings = login.settings(parent);
        String table = "`" + login.database() + "`.`" + login.table() + "`";
        HelperTables helpers = HelperTables.forTable(login.table());
        try (Connections connections = new Connections(settings, login.database());
             Connection connection = connections.open()) {
            Optional<Instant> until = new RevertWindowCheckpoint(login.tableName(), helpers).keptUntil(connection);
            if (until.isEmpty()) {
                err.println("Refused: no revert window is kept for " + table + " (no window checkpoint in `"
                        + helpers.checkpoint() + "`): it was never asked for, it ended, or the migration has not cut over"
                        + " yet. Nothing was changed.");
                return UmbraCli.EXIT_REFUSED;
            }
            if (!Instant.now().isBefore(until.get())) {
                err.println("Refused: the revert window of " + table + " ended at " + until.get() + ". Nothing was changed.");
                return UmbraCli.EXIT_REFUSED;
            }
            new Changelog(login.tableName().sibling(helpers.changelog())).write(connection, Changelog.REVERT_REQUEST,
                    Instant.now().toString());
            out.println("Asked for the revert of " + table + " (its window is open until " + until.get() + "): the umbra"
                    + " migrate keeping the window swaps the tables back and ends Reverted; one stopped meanwhile does it"
                    + " when it takes the window up again.");
            return UmbraCli.EXIT_OK;
        } catch (SQLException e) {
            err.println("Failed: cannot ask for the revert of " + table + " on " + login.address() + ": " + e.getMessage());
            return UmbraCli.EXIT_FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
