package dev.umbra.engine.cutover;

import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.HelperTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Makes the two-session RENAME fail unless the locking session let it through on purpose.
 *
 * <p>Two empty tables named after the original, so that they sort after it: a guard G, which the
 * locking session locks together with the original, and a spare P. The RENAME also moves P to G's
 * name, which only works once G is gone. The locking session drops G just before it unlocks; if it
 * dies instead, G still exists, the RENAME fails as a whole, and the original keeps serving.
 *
 * <p>The RENAME takes its metadata locks in name order, so it still queues on the original first
 * (G and P sort after it) and is granted before the writers waiting there. gh-ost's sentry under
 * the old table's name sorts before the original instead, which lets waiting writers in first (see
 * {@link TwoSessionCutOver}).
 */
final class RenameGuard {

    /** Room for the suffix in MySQL's 64-character limit. */
    private static final int SUFFIX = 9;
    private static final int MAX_NAME = 64;

    private final String schema;
    private final String guard;
    private final String spare;

    private RenameGuard(String schema, String guard, String spare) {
        this.schema = schema;
        this.guard = guard;
        this.spare = spare;
    }

    /**
     * The guard for this attempt; empty when the original's name leaves no room for the suffix.
     * The names are fixed per table ({@link HelperTables#cutOverGuards}): "{@code <t>_u…}" sorts
     * after "{@code <t>}", as the name is a prefix and the server compares names with a terminating 0 byte.
     */
    static Optional<RenameGuard> forAttempt(CutOverContext context) {
        List<String> names = HelperTables.cutOverGuards(context.original());
        return names.isEmpty() ? Optional.empty() : Optional.of(new RenameGuard(context.schema(), names.get(0), names.get(1)));
    }

    /**
     * Creates both tables, with the original's storage engine, after dropping any left by an attempt
     * of a run that died in it (the run holds the table's migration lock: they are no live run's).
     */
    void create(Connection connection, CutOverContext context) throws SQLException {
        CutOverSql.execute(connection, "DROP TABLE IF EXISTS " + qualifiedGuard() + ", " + qualifiedSpare());
        CutOverSql.execute(connection, "CREATE TABLE " + qualifiedGuard() + " LIKE " + context.qualifiedOriginal());
        CutOverSql.execute(connection, "CREATE TABLE " + qualifiedSpare() + " LIKE " + context.qualifiedOriginal());
    }

    /** The table list entry for LOCK TABLES. */
    String lockEntry() {
        return qualifiedGuard() + " WRITE";
    }

    /** The clause added to the RENAME: fails while the guard exists. */
    String renameClause() {
        return ", " + qualifiedSpare() + " TO " + qualifiedGuard();
    }

    /** Run by the locking session just before it unlocks: from now on the RENAME can succeed. */
    void release(Connection lock) throws SQLException {
        CutOverSql.execute(lock, "DROP TABLE " + qualifiedGuard());
    }

    /** Drops whatever is left of both tables (after a swap, the spare carries the guard's name). */
    void dropQuietly(CutOverContext context) {
        try (Connection connection = context.connections().open()) {
            CutOverSql.execute(connection, "DROP TABLE IF EXISTS " + qualifiedGuard() + ", " + qualifiedSpare());
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(RenameGuard.class).warn(
                    "Could not drop the cut-over guard tables `{}` and `{}`: {}; drop them by hand", guard, spare, e.getMessage());
        }
    }

    private String qualifiedGuard() {
        return Sql.qualified(schema, guard);
    }

    private String qualifiedSpare() {
        return Sql.qualified(schema, spare);
    }
}
