package dev.umbra.engine.inspect;

import dev.umbra.engine.alter.AlterParser;
import dev.umbra.engine.alter.InvalidAlterException;
import dev.umbra.engine.alter.ParsedAlter;
import dev.umbra.engine.checkpoint.MigrationLock;
import dev.umbra.engine.checkpoint.ResumeCheck;
import dev.umbra.engine.checkpoint.ResumeDecision;
import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.relation.ForeignKey;
import dev.umbra.engine.relation.TableRelations;
import dev.umbra.engine.relation.TableTrigger;
import dev.umbra.engine.relation.TableTriggers;
import dev.umbra.engine.sql.ServerInfo;
import dev.umbra.engine.checkpoint.RevertWindowCheckpoint;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.HelperTables;
import dev.umbra.engine.table.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a migration may run, and refuses clearly when not. Every check but the last ones
 * only reads; then the ghost table is created and the ALTER applied to it, because only the server
 * knows the exact new shape, and the shape and the new table's unique keys are checked (the latter
 * against the rows, for duplicates). A refusal drops the ghost table again.
 *
 * <p>Before any helper table is looked at, the migration takes the table's {@link MigrationLock}
 * (held on this session for the whole run). Helper tables with a valid checkpoint then belong to
 * an interrupted run and are resumed from (see {@link ResumeCheck}) instead of refused.
 */
public final class Inspector {

    private static final Logger log = LoggerFactory.getLogger(Inspector.class);

    private final MigrationPlan plan;
    private final boolean dryRun;
    private final boolean revertWindowOnly;

    public Inspector(MigrationPlan plan) {
        this(plan, false);
    }

    /** @param dryRun only look: a checkpoint that cannot be resumed is refused instead of dropped */
    public Inspector(MigrationPlan plan, boolean dryRun) {
        this(plan, dryRun, false);
    }

    /**
     * @param revertWindowOnly only take up a revert window an earlier run left open; refuse, changing
     *                         nothing, where the server holds none
     */
    public Inspector(MigrationPlan plan, boolean dryRun, boolean revertWindowOnly) {
        this.plan = plan;
        this.dryRun = dryRun;
        this.revertWindowOnly = revertWindowOnly;
    }

    public Inspection inspect(Connection connection) throws MigrationRefusedException, SQLException {
        ServerInfo server = ServerInfo.read(connection);
        ServerSettingsCheck.check(connection, server);
        GrantsCheck.check(connection, plan.schema());
        TableSchema original = readOriginal(connection);
        ParsedAlter alter = parseAlter();
        HelperTables helpers = HelperTables.forTable(plan.table());
        MigrationLock.acquire(connection, plan.tableName());
        if (!dryRun) {
            putBackStrandedRelations(connection, helpers);
        }
        List<ForeignKey> foreignKeys = RelationsCheck.check(connection, plan.tableName(), plan.options());
        Optional<ResumeDecision.RevertWindow> window = openRevertWindow(connection, server, alter, helpers);
        if (window.isPresent()) {
            return revertWindow(connection, server, alter, helpers, window.get(), foreignKeys);
        }
        if (revertWindowOnly) {
            throw new MigrationRefusedException("This run was to keep the revert window of the done migration of `"
                    + plan.table() + "` open, but the server holds no such window (no window checkpoint in `"
                    + helpers.checkpoint() + "`): it ended, or was closed by hand. `" + plan.table() + "` keeps its"
                    + " definition; nothing was changed.");
        }
        ResumeDecision resume = plan.options().resume()
                ? ResumeCheck.decide(connection, server, plan.tableName(), alter.clauseList(), helpers, dryRun)
                : new ResumeDecision.Fresh();
        if (resume instanceof ResumeDecision.Resume) {
            return resumed(connection, server, original, alter, helpers, resume, foreignKeys);
        }
        if (dryRun && resume instanceof ResumeDecision.StartOver startOver) {
            throw new MigrationRefusedException("An interrupted migration of this table left a checkpoint that cannot be"
                    + " resumed: " + startOver.reason() + ". A real run drops its helper tables (`" + helpers.ghost() + "`, `"
                    + helpers.changelog() + "`, `" + helpers.checkpoint() + "`) and starts over; this dry run changed nothing.");
        }
        HelperTablesCheck.check(connection, plan.schema(), helpers, plan.options());
        long estimatedRows = estimateRows(connection);
        GhostTable ghostTable = new GhostTable(plan.schema(), plan.table(), helpers.ghost());
        TableSchema ghost = ghostTable.create(connection, alter);
        try {
            ServerTimeZone timeZone = ServerTimeZone.read(connection);
            ColumnMapping mapping = ColumnMapping.build(original, ghost, alter, timeZone.zone());
            timeZone.check(connection, plan.tableName(), mapping);
            UniqueKeyCheck.check(connection, plan.tableName(), helpers.ghost(), mapping, plan.options().diagnostics());
            List<TableTrigger> triggers = TableTriggers.read(connection, plan.tableName());
            TriggersCheck.check(connection, plan.tableName(), helpers.ghost(), triggers);
            ForeignKeysCheck.makeIndexesPlain(connection, plan.schema(), helpers.ghost(), foreignKeys);
            ForeignKeysCheck.check(connection, plan.tableName(), helpers.ghost(), foreignKeys);
            return new Inspection(server, original, ghost, alter, mapping, helpers, estimatedRows, estimateBytes(connection),
                    resume, triggers, foreignKeys);
        } catch (ColumnMapping.ShapeException e) {
            ghostTable.drop(connection);
            throw new MigrationRefusedException(e.getMessage(), e);
        } catch (MigrationRefusedException | SQLException | RuntimeException e) {
            ghostTable.drop(connection);
            throw e;
        }
    }

    /**
     * A valid checkpoint: the ghost table is the interrupted run's and stays as it is. A refusal
     * here leaves the helper tables, so that the run can resume once the cause is fixed.
     */
    private Inspection resumed(Connection connection, ServerInfo server, TableSchema original, ParsedAlter alter,
                               HelperTables helpers, ResumeDecision resume, List<ForeignKey> foreignKeys)
            throws SQLException, MigrationRefusedException {
        HelperTablesCheck.checkOld(connection, plan.schema(), helpers, plan.options());
        TableSchema ghost = TableSchema.read(connection, plan.tableName().sibling(helpers.ghost()))
                .orElseThrow(() -> new SQLException("The ghost table `" + helpers.ghost() + "` vanished during inspection"));
        try {
            ServerTimeZone timeZone = ServerTimeZone.read(connection);
            ColumnMapping mapping = ColumnMapping.build(original, ghost, alter, timeZone.zone());
            timeZone.check(connection, plan.tableName(), mapping);
            UniqueKeyCheck.check(connection, plan.tableName(), helpers.ghost(), mapping, plan.options().diagnostics());
            List<TableTrigger> triggers = TableTriggers.read(connection, plan.tableName());
            TriggersCheck.check(connection, plan.tableName(), helpers.ghost(), triggers);
            ForeignKeysCheck.check(connection, plan.tableName(), helpers.ghost(), foreignKeys);
            return new Inspection(server, original, ghost, alter, mapping, helpers, estimateRows(connection),
                    estimateBytes(connection), resume, triggers, foreignKeys);
        } catch (ColumnMapping.ShapeException e) {
            throw new MigrationRefusedException(e.getMessage(), e);
        }
    }

    /**
     * A revert window an earlier run of this migration left open: the table has the new definition
     * already, and the run keeps the old table in step again instead of migrating anything.
     */
    private Optional<ResumeDecision.RevertWindow> openRevertWindow(Connection connection, ServerInfo server, ParsedAlter alter,
                                                                   HelperTables helpers)
            throws SQLException, MigrationRefusedException {
        try {
            return new RevertWindowCheckpoint(plan.tableName(), helpers).find(connection, server, alter.clauseList());
        } catch (RevertWindowCheckpoint.WindowLostException e) {
            throw new MigrationRefusedException("This migration's cut-over was done, and its revert window was left open"
                    + " by a run that stopped, but the window cannot go on: " + e.getMessage() + ". `" + plan.table()
                    + "` keeps its new definition; the old table `" + helpers.old() + "` (if still there) is kept for you to"
                    + " drop, and the helper tables `" + helpers.changelog() + "` and `" + helpers.checkpoint() + "` can be"
                    + " dropped.", e);
        }
    }

    /** The old table as the original, the table (with its new definition) as the ghost: the shapes the window's sync needs. */
    private Inspection revertWindow(Connection connection, ServerInfo server, ParsedAlter alter, HelperTables helpers,
                                    ResumeDecision.RevertWindow window, List<ForeignKey> foreignKeys)
            throws SQLException, MigrationRefusedException {
        TableSchema old = TableSchema.read(connection, plan.tableName().sibling(helpers.old()))
                .orElseThrow(() -> new SQLException("The old table `" + helpers.old() + "` vanished during inspection"));
        TableSchema current = readOriginal(connection);
        try {
            ColumnMapping mapping = ColumnMapping.build(old, current, alter, ServerTimeZone.read(connection).zone());
            return new Inspection(server, old, current, alter, mapping, helpers, estimateRows(connection),
                    estimateBytes(connection), window, TableTriggers.read(connection, plan.tableName()), foreignKeys);
        } catch (ColumnMapping.ShapeException e) {
            throw new MigrationRefusedException(e.getMessage(), e);
        }
    }

    /**
     * A run interrupted inside its cut-over may have left the original's triggers and foreign keys
     * on the ghost; they go back before anything decides about the ghost (resume it or drop it).
     */
    private void putBackStrandedRelations(Connection connection, HelperTables helpers) throws SQLException {
        TableRelations.putBackStranded(connection, plan.schema(), helpers.ghost(), plan.table()).ifPresent(moved ->
                log.warn("An interrupted run had moved {} of `{}` to `{}` before it stopped; they are back on `{}`",
                        moved, plan.table(), helpers.ghost(), plan.table()));
    }

    private TableSchema readOriginal(Connection connection) throws SQLException, MigrationRefusedException {
        Optional<TableSchema> original = TableSchema.read(connection, plan.tableName());
        if (original.isPresent()) {
            return original.get();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, plan.schema());
            statement.setString(2, plan.table());
            try (ResultSet row = statement.executeQuery()) {
                if (row.next()) {
                    throw new MigrationRefusedException("`" + plan.schema() + "`.`" + plan.table() + "` is a "
                            + row.getString(1).toLowerCase() + ", not a base table; only base tables can be migrated."
                            + " ALTER the table(s) behind it instead.");
                }
            }
        }
        throw new MigrationRefusedException("Table `" + plan.schema() + "`.`" + plan.table() + "` does not exist."
                + " Check the database and table names (they are case-sensitive on most servers).");
    }

    private ParsedAlter parseAlter() throws MigrationRefusedException {
        try {
            return AlterParser.parse(plan.table(), plan.alter());
        } catch (InvalidAlterException e) {
            throw new MigrationRefusedException(e.getMessage(), e);
        }
    }

    /** EXPLAIN's estimate is fresh; information_schema.TABLES can be a day old on MySQL 8. */
    /** The table's data and indexes on disk, by the server's statistics (as {@code SHOW TABLE STATUS} shows them). */
    private long estimateBytes(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0)"
                + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            statement.setString(1, plan.schema());
            statement.setString(2, plan.table());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Math.max(0, row.getLong(1)) : 0;
            }
        }
    }

    private long estimateRows(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("EXPLAIN SELECT * FROM " + Sql.qualified(plan.schema(), plan.table()))) {
            return row.next() ? Math.max(0, row.getLong("rows")) : 0;
        }
    }
}
