package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.failure.MigrationRefusedException;
import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.progress.ProgressListener;
import dev.umbra.engine.testing.ComparedColumn;
import dev.umbra.engine.testing.HeldMigration;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.testing.OldAndNewRows;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Each common ALTER shape, migrated on every flavor: the rows that exist when the migration starts
 * reach the new table through the chunk copy, and the inserts, updates (some of them changing the
 * primary key) and deletes made while the migration awaits its cut-over reach it only through the
 * binlog apply. Afterwards the new table has the new definition and, on the shared columns, exactly
 * the rows of the old table that the cut-over kept as {@code _t_del}.
 */
class AlterShapesTest {

    private static final String TABLE = "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, a VARCHAR(20) NOT NULL,"
            + " b INT NOT NULL, c DATETIME(6) NULL, d VARCHAR(30) NULL, PRIMARY KEY (id), KEY idx_b (b))"
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    private static final int ROWS = 300;

    /** Quotes, a backslash, a tab, emoji, non-ASCII letters, spaces at either end, exactly 20 characters, ''. */
    private static final String[] A_VALUES = {"", "it's", "emoji \uD83D\uDE00\uD83C\uDF89", "tab\there", "\u00fcn\u00efc\u00f6d\u00e9 \u4e2d",
            "back\\slash \"q\"", "12345678901234567890", " lead", "trail  ", "NULL"};
    private static final int[] B_VALUES = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1};
    private static final String[] C_VALUES = {"1000-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999",
            "1970-01-01 00:00:00.000001", "2024-02-29 12:34:56.789012", "1969-12-31 23:59:59.5"};

    @EveryFlavor
    void addsAColumn(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "ADD COLUMN e INT NOT NULL DEFAULT 7");

        assertThat(TableContents.createStatement(db, "t")).containsPattern("`e` int(\\(11\\))? NOT NULL DEFAULT '?7'?");
        assertSameRows(db, shared(db));
        assertThat(value(db, "SELECT COUNT(*) FROM t WHERE e <> 7")).isEqualTo("0");
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void dropsAColumn(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "DROP COLUMN d");

        assertThat(OldAndNewRows.columnNames(db, "t")).containsExactly("id", "a", "b", "c");
        assertThat(TableContents.createStatement(db, "t")).doesNotContain("`d`");
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void renamesAColumnWithChange(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "CHANGE a a2 VARCHAR(20) NOT NULL");

        assertThat(OldAndNewRows.columnNames(db, "t")).containsExactly("id", "a2", "b", "c", "d");
        assertThat(TableContents.createStatement(db, "t")).contains("`a2` varchar(20)");
        List<ComparedColumn> columns = new ArrayList<>(shared(db));
        columns.add(ComparedColumn.renamed("a", "a2"));
        assertSameRows(db, columns);
        migrated.assertAllBinlogChangesApplied();
    }

    /** MySQL 5.7 has no RENAME COLUMN: there the server refuses it on the empty ghost table. */
    @EveryFlavor
    void renamesAColumnWithRenameColumn(TestDatabase db) throws Exception {
        String alter = "RENAME COLUMN a TO a2";
        if (db.flavor() == Flavor.MYSQL_5_7) {
            createAndFill(db);
            MigrationRunner runner = new MigrationRunner(Migrations.plan(db, "t", alter), ProgressListener.NONE);
            assertThatThrownBy(runner::run).isInstanceOf(MigrationRefusedException.class)
                    .hasMessageContaining("The server rejected the ALTER");
            assertThat(OldAndNewRows.columnNames(db, "t")).containsExactly("id", "a", "b", "c", "d");
            assertThat(TableContents.tables(db)).containsExactly("t");
            return;
        }
        Migrated migrated = migrate(db, alter);

        assertThat(OldAndNewRows.columnNames(db, "t")).containsExactly("id", "a2", "b", "c", "d");
        assertThat(TableContents.createStatement(db, "t")).contains("`a2` varchar(20)");
        List<ComparedColumn> columns = new ArrayList<>(shared(db));
        columns.add(ComparedColumn.renamed("a", "a2"));
        assertSameRows(db, columns);
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void movesAColumnAfterAnother(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "MODIFY b INT NOT NULL AFTER id");

        assertThat(OldAndNewRows.columnNames(db, "t")).containsExactly("id", "b", "a", "c", "d");
        assertThat(TableContents.createStatement(db, "t")).containsSubsequence("`id` int", "`b` int", "`a` varchar(20)");
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void movesAColumnFirst(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "MODIFY d VARCHAR(30) NULL FIRST");

        assertThat(OldAndNewRows.columnNames(db, "t")).containsExactly("d", "id", "a", "b", "c");
        assertThat(TableContents.createStatement(db, "t")).containsSubsequence("`d` varchar(30)", "`id` int");
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void changesColumnTypes(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "MODIFY b BIGINT NOT NULL, MODIFY a VARCHAR(100) NOT NULL");

        assertThat(TableContents.createStatement(db, "t")).contains("`b` bigint").contains("`a` varchar(100)");
        List<ComparedColumn> columns = new ArrayList<>(shared(db, "a", "b"));
        columns.add(ComparedColumn.retyped("b", "SIGNED"));
        columns.add(ComparedColumn.retyped("a", "CHAR(100)"));
        assertSameRows(db, columns);
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void addsAndDropsAnIndex(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "ADD INDEX idx_a_c (a, c), DROP INDEX idx_b");

        assertThat(TableContents.createStatement(db, "t")).contains("KEY `idx_a_c` (`a`,`c`)").doesNotContain("idx_b");
        assertSameRows(db, shared(db));
        assertThat(value(db, "SELECT COUNT(*) FROM t FORCE INDEX (idx_a_c) WHERE a >= ''"))
                .isEqualTo(value(db, "SELECT COUNT(*) FROM t"));
        migrated.assertAllBinlogChangesApplied();
    }

    /**
     * The migration key stays {@code (id)}, the original's primary key, while the ghost's primary
     * key becomes {@code (id, b)}: a binlog update that changes {@code b} must replace the row with
     * that id, not add a second row beside it.
     */
    @EveryFlavor
    void widensThePrimaryKey(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)");

        assertThat(TableContents.createStatement(db, "t")).contains("PRIMARY KEY (`id`,`b`)");
        assertSameRows(db, shared(db));
        assertThat(value(db, "SELECT COUNT(*) - COUNT(DISTINCT id) FROM t")).as("rows sharing an id").isEqualTo("0");
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void rebuildsWithEngineInnoDb(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "ENGINE=InnoDB");

        String rebuilt = TableContents.createStatement(db, "t");
        String before = TableContents.createStatement(db, "_t_del").replace("CREATE TABLE `_t_del`", "CREATE TABLE `t`");
        assertThat(rebuilt).contains("ENGINE=InnoDB");
        assertThat(withoutAutoIncrement(rebuilt)).as("the same definition as before").isEqualTo(withoutAutoIncrement(before));
        // MySQL 5.7 does not raise the counter when an UPDATE moves a row to a higher id (8.0 and
        // MariaDB do), so there the old table's counter is below its highest id; the new one's is not.
        assertThat(autoIncrement(db, "t")).isGreaterThanOrEqualTo(autoIncrement(db, "_t_del"))
                .isGreaterThan(Long.parseLong(value(db, "SELECT MAX(id) FROM t")));
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void keepsAnExplicitAutoIncrement(TestDatabase db) throws Exception {
        Migrated migrated = migrate(db, "AUTO_INCREMENT = 1000000");

        assertThat(TableContents.createStatement(db, "t")).contains("AUTO_INCREMENT=1000000");
        assertThat(autoIncrement(db, "t")).isEqualTo(1_000_000L);
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
        assertThat(insertReturningId(db)).isGreaterThanOrEqualTo(1_000_000L);
    }

    /**
     * Rows deleted from the top of the id range before the copy never reach the ghost table, and an
     * insert deleted again in the same transaction folds away in the apply: only the counter carried
     * over at cut-over keeps their ids from being handed out again.
     */
    @EveryFlavor
    void carriesTheAutoIncrementCounterOver(TestDatabase db) throws Exception {
        createAndFill(db);
        db.execute("DELETE FROM t WHERE id > " + (ROWS - 10));
        long changes;
        Progress done;
        try (HeldMigration migration = HeldMigration.start(db, "t", "ADD COLUMN e INT NULL")) {
            try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                changes = statement.executeUpdate("INSERT INTO t (a, b) VALUES ('gone', 1), ('gone', 2), ('gone', 3)");
                changes += statement.executeUpdate("DELETE FROM t WHERE id > " + (ROWS - 20));
                connection.commit();
            }
            done = migration.cutOver();
        }
        long highestIdEverUsed = ROWS + 3;

        assertThat(done.eventsApplied()).as("binlog row changes applied").isEqualTo(changes);
        assertThat(value(db, "SELECT MAX(id) FROM t")).isEqualTo(String.valueOf(ROWS - 20));
        assertThat(autoIncrement(db, "t")).isEqualTo(highestIdEverUsed + 1);
        assertThat(TableContents.createStatement(db, "t")).contains("`e` int").contains("AUTO_INCREMENT=" + (highestIdEverUsed + 1));
        assertSameRows(db, shared(db));
        assertThat(insertReturningId(db)).as("the next id after the cut-over").isGreaterThan(highestIdEverUsed);
    }

    /** Generated columns of the original are computed by the server in the new table, never written. */
    @EveryFlavor
    void recomputesGeneratedColumns(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v BIGINT AS (b * 2) VIRTUAL,"
                + " a VARCHAR(20) NOT NULL, b INT NULL, s VARCHAR(40) AS (CONCAT(a, '/', b)) STORED,"
                + " c DATETIME(6) NULL, d VARCHAR(30) NULL, KEY idx_s (s)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        fill(db, ROWS);
        Progress done;
        long changes;
        try (HeldMigration migration = HeldMigration.start(db, "t", "ADD COLUMN e INT NULL AFTER id, MODIFY b BIGINT NULL")) {
            changes = writeThroughTheBinlog(db);
            try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
                changes += statement.executeUpdate("UPDATE t SET b = NULL WHERE id % 10 = 4");
            }
            done = migration.cutOver();
        }

        String definition = TableContents.createStatement(db, "t");
        assertThat(definition).containsPattern("`v` bigint(\\(20\\))? GENERATED ALWAYS AS \\(+`b` \\* 2\\)+ VIRTUAL")
                .containsPattern("`s` varchar\\(40\\) GENERATED ALWAYS AS \\(+concat\\(`a`,(_utf8mb4)?'/',`b`\\)+ STORED")
                .contains("`b` bigint").contains("`e` int");
        List<ComparedColumn> columns = new ArrayList<>(shared(db, "b"));
        columns.add(ComparedColumn.retyped("b", "SIGNED"));
        assertSameRows(db, columns);
        assertThat(value(db, "SELECT COUNT(*) FROM t WHERE NOT (v <=> b * 2) OR NOT (s <=> CONCAT(a, '/', b))"))
                .as("rows whose generated values are not their expressions").isEqualTo("0");
        assertThat(value(db, "SELECT COUNT(*) FROM t WHERE b IS NULL AND v IS NULL AND s IS NULL")).isNotEqualTo("0");
        assertThat(done.eventsApplied()).as("binlog row changes applied").isEqualTo(changes);
    }

    // ---------------------------------------------------------------------------------------------

    /** What a migration of the standard table did. */
    private record Migrated(TestDatabase db, Progress done, long binlogChanges) {

        void assertAllBinlogChangesApplied() {
            assertThat(done.eventsApplied()).as("binlog row changes applied on %s", db.flavor()).isEqualTo(binlogChanges);
        }
    }

    /**
     * Creates and fills the standard table, migrates it with {@code alter}, and writes through the
     * binlog while the migration awaits its cut-over.
     */
    private static Migrated migrate(TestDatabase db, String alter) throws Exception {
        createAndFill(db);
        try (HeldMigration migration = HeldMigration.start(db, "t", alter)) {
            long changes = writeThroughTheBinlog(db);
            return new Migrated(db, migration.cutOver(), changes);
        }
    }

    private static void createAndFill(TestDatabase db) throws SQLException {
        db.execute(TABLE);
        fill(db, ROWS);
    }

    /** Rows 1..count of the standard columns, cycling through the edge values, NULL in c and d now and then. */
    private static void fill(TestDatabase db, int count) throws SQLException {
        try (Connection connection = db.connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?)")) {
            connection.setAutoCommit(false);
            for (int i = 1; i <= count; i++) {
                bind(insert, i);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private static void bind(PreparedStatement statement, int i) throws SQLException {
        statement.setString(1, A_VALUES[i % A_VALUES.length]);
        statement.setInt(2, i % 3 == 0 ? B_VALUES[i / 3 % B_VALUES.length] : i * 37 % 2000 - 1000);
        statement.setString(3, i % 7 == 0 ? null : C_VALUES[i % C_VALUES.length]);
        statement.setString(4, i % 5 == 0 ? null : "d-" + i);
    }

    /**
     * Inserts, updates of every column (to and from NULL, and of {@code b}), updates that move rows
     * to new ids, deletes, and one transaction that touches rows several times; returns the number
     * of row changes written to the binlog.
     */
    private static long writeThroughTheBinlog(TestDatabase db) throws SQLException {
        long changes = 0;
        try (Connection connection = db.connect()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= 30; i++) {
                    bind(insert, ROWS + 7 - i);
                    changes += insert.executeUpdate();
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE t SET a = ?, b = ?, c = ?, d = ? WHERE id = ?")) {
                for (int id = 20; id < 60; id++) {
                    bind(update, id * 3 + 1);
                    update.setString(1, A_VALUES[(id + 3) % A_VALUES.length]);
                    update.setInt(5, id);
                    changes += update.executeUpdate();
                }
            }
            try (Statement statement = connection.createStatement()) {
                changes += statement.executeUpdate("UPDATE t SET id = id + 100000 WHERE id IN (5, 6, 7)");
                changes += statement.executeUpdate("UPDATE t SET id = 1 - id WHERE id IN (8, 9)");
                changes += statement.executeUpdate("DELETE FROM t WHERE id BETWEEN 200 AND 219");
                changes += statement.executeUpdate("UPDATE t SET c = NULL, d = NULL WHERE id BETWEEN 60 AND 69");
                changes += statement.executeUpdate("UPDATE t SET c = '2000-01-01 00:00:00.000001', d = 'was null'"
                        + " WHERE id BETWEEN 70 AND 79 AND d IS NULL");
                connection.setAutoCommit(false);
                changes += statement.executeUpdate("INSERT INTO t (id, a, b, c, d) VALUES (50000, 'tx', 1, NULL, NULL)");
                changes += statement.executeUpdate("UPDATE t SET b = b + 1, d = 'tx 1' WHERE id = 50000");
                changes += statement.executeUpdate("UPDATE t SET b = b + 1, d = 'tx 2' WHERE id = 50000");
                changes += statement.executeUpdate("UPDATE t SET b = -b, a = 'twice 1' WHERE id = 100");
                changes += statement.executeUpdate("UPDATE t SET b = b - 1, a = 'twice 2' WHERE id = 100");
                changes += statement.executeUpdate("INSERT INTO t (id, a, b) VALUES (50001, 'short-lived', 0)");
                changes += statement.executeUpdate("DELETE FROM t WHERE id IN (50001, 101)");
                changes += statement.executeUpdate("UPDATE t SET id = 50002, b = 12345 WHERE id = 102");
                connection.commit();
            }
        }
        return changes;
    }

    private static List<ComparedColumn> shared(TestDatabase db, String... except) throws SQLException {
        return OldAndNewRows.sharedColumns(db, "t", "_t_del", except);
    }

    private static void assertSameRows(TestDatabase db, List<ComparedColumn> columns) throws SQLException {
        OldAndNewRows.assertSame(db, "t", "_t_del", columns);
    }

    private static String value(TestDatabase db, String query) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }

    /** The table's AUTO_INCREMENT counter as SHOW TABLE STATUS has it, read fresh. */
    private static long autoIncrement(TestDatabase db, String table) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            if (db.flavor() == Flavor.MYSQL_8_0) {
                statement.execute("SET SESSION information_schema_stats_expiry = 0");
            }
            try (ResultSet row = statement.executeQuery("SHOW TABLE STATUS LIKE '" + table + "'")) {
                row.next();
                return row.getLong("Auto_increment");
            }
        }
    }

    private static String withoutAutoIncrement(String createStatement) {
        return createStatement.replaceFirst(" AUTO_INCREMENT=\\d+", "");
    }

    private static long insertReturningId(TestDatabase db) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO t (a, b) VALUES ('after cut-over', 42)", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }
}
