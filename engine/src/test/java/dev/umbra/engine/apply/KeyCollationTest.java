package dev.umbra.engine.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A string key whose collation is not the connection's (a table created on MySQL 5.7 and now on
 * 8.0, whose default is utf8mb4_0900_ai_ci): every statement the engine builds must compare keys
 * in the key column's own collation. Each run uses a composite key whose parts each have another
 * collation, one that is not its character set's default, for every character set the server
 * offers, and replays updates, key changes and deletes through the binlog.
 */
class KeyCollationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Key parts per table: InnoDB allows 16, and the key must stay under 3072 bytes. */
    private static final int PARTS = 12;

    @EveryFlavor
    void stringKeysInCollationsOtherThanTheConnectionsAreReplayed(TestDatabase db) throws Exception {
        List<String> collations = nonDefaultCollationPerCharset(db);
        assertThat(collations).hasSizeGreaterThan(10);
        for (int from = 0; from < collations.size(); from += PARTS) {
            List<String> group = collations.subList(from, Math.min(collations.size(), from + PARTS));
            migrateUnderKeyChanges(db, "t" + from, group);
        }
    }

    private static void migrateUnderKeyChanges(TestDatabase db, String table, List<String> collations) throws Exception {
        List<String> parts = new ArrayList<>();
        List<String> key = new ArrayList<>();
        for (int i = 0; i < collations.size(); i++) {
            String collation = collations.get(i);
            String charset = collation.substring(0, collation.indexOf('_'));
            parts.add("k" + i + " VARCHAR(8) CHARACTER SET " + charset + " COLLATE " + collation + " NOT NULL");
            key.add("k" + i);
        }
        // u is unique in both tables: two rows swapping their u collide in the applier, which then
        // re-reads the row from the original by its key (the comparison that failed on MySQL 8).
        db.execute("CREATE TABLE " + table + " (" + String.join(", ", parts) + ", v INT NOT NULL, u INT NOT NULL,"
                + " PRIMARY KEY (" + String.join(", ", key) + "), UNIQUE KEY uk_u (u))");
        for (int row = 1; row <= 20; row++) {
            db.execute("INSERT INTO " + table + " VALUES (" + ("'r" + row + "', ").repeat(collations.size()) + row + ", " + row + ")");
        }
        BackgroundMigration migration = new BackgroundMigration(Migrations.plan(db, table, "ADD COLUMN w INT NULL",
                MigrationOptions.defaults().withInstantDdl(false))).start();
        migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
        long applied = migration.runner().progress().eventsApplied();
        db.execute("UPDATE " + table + " SET v = v + 100 WHERE k0 = 'r1'",
                "UPDATE " + table + " SET k0 = 'n2', v = 2002 WHERE k0 = 'r2'",
                "DELETE FROM " + table + " WHERE k0 = 'r3'",
                "INSERT INTO " + table + " VALUES (" + "'x', ".repeat(collations.size()) + "77, 77)",
                "DELETE FROM " + table + " WHERE k0 = 'x'",
                "INSERT INTO " + table + " VALUES (" + "'y', ".repeat(collations.size()) + "88, 88)");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("UPDATE " + table + " SET u = -5 WHERE k0 = 'r5'");
            statement.execute("UPDATE " + table + " SET u = 5 WHERE k0 = 'r6'");
            statement.execute("UPDATE " + table + " SET u = 6 WHERE k0 = 'r5'");
            connection.commit();
        }
        migration.await("the changes applied", progress -> progress.eventsApplied() >= applied + 9
                && progress.applyBacklog() == 0, TIMEOUT);
        List<String> expected = TableContents.rows(db, table, columns(key));
        migration.runner().control().approveCutOver();
        Progress done = migration.awaitEnd(TIMEOUT);

        assertThat(done.phase()).as("%s with %s: %s", table, collations, done.message()).isEqualTo(Phase.DONE);
        assertThat(TableContents.rows(db, table, columns(key))).as("%s with %s", table, collations).isEqualTo(expected);
        assertThat(expected).hasSize(20);
    }

    private static List<String> columns(List<String> key) {
        List<String> columns = new ArrayList<>(key);
        columns.add("v");
        columns.add("u");
        return columns;
    }

    /** For each character set, a collation that is not its default (so never the connection's). */
    private static List<String> nonDefaultCollationPerCharset(TestDatabase db) throws SQLException {
        List<String> collations = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT MIN(COLLATION_NAME) FROM information_schema.COLLATIONS"
                     + " WHERE IS_DEFAULT <> 'Yes' AND CHARACTER_SET_NAME NOT IN ('binary', 'filename')"
                     + " AND COLLATION_NAME NOT LIKE '%\\_nopad\\_%' GROUP BY CHARACTER_SET_NAME ORDER BY 1")) {
            while (rows.next()) {
                collations.add(rows.getString(1));
            }
        }
        if (!collations.contains("utf8mb4_general_ci")) {
            collations.add("utf8mb4_general_ci");
        }
        return collations;
    }
}
