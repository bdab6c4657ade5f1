package dev.umbra.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.progress.Progress;
import dev.umbra.engine.testing.ComparedColumn;
import dev.umbra.engine.testing.HeldMigration;
import dev.umbra.engine.testing.OldAndNewRows;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Edge values of every common column type, migrated on every flavor through both of Umbra's paths:
 * the rows present at the start through the chunk copy, and the inserts, updates, deletes and key
 * changes made while the migration awaits its cut-over through the binlog apply. Afterwards the new
 * table must hold, value for value, the rows of the old table kept as {@code _t_del}.
 *
 * <p>Every table has a {@code tag} column that each write sets to what it did ({@code copy-12},
 * {@code upd-3}, ...), so a failure shows which path carried the row. Left out, because the binlog
 * library cannot decode them (see {@code RowImageConverter}, {@code TemporalText} and
 * {@code RowImageConverterTest}): negative TIME values, dates with a zero month or day such as
 * {@code 2020-05-00}, and, on MySQL, JSON doubles that its parser reads back one ulp off (e.g.
 * {@code 1e300}), JSON DECIMALs and JSON DATEs.
 */
class DataTypesMigrationTest {

    private static final String UTC = "SET time_zone = '+00:00'";

    @EveryFlavor
    void integerLimits(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL,"
                + " ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT,"
                + " miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED NOT NULL)");
        // The unsigned key's extremes, and values whose signed reading (the binlog's) is negative.
        List<String> keys = new ArrayList<>(List.of("0", "18446744073709551615", "9223372036854775808",
                "9223372036854775807", "1", "18446744073709551614", "9223372036854775809", "4294967295"));
        IntStream.range(1, 160).forEach(i -> keys.add(Long.toUnsignedString(i * 115_292_150_460_684_697L + 3)));
        List<String> newKeys = List.of("2", "18446744073709551613", "9223372036854775810", "4294967296", "255", "65536");
        Scenario scenario = new Scenario(keys, newKeys, List.of(
                column("ti", "-128", "127", "0", "-1", "NULL"),
                column("tiu", "0", "255", "128", "1", "NULL", "127"),
                column("si", "-32768", "32767", "0", "-1", "NULL"),
                column("siu", "0", "65535", "32768", "1", "NULL", "32767"),
                column("mi", "-8388608", "8388607", "0", "-1", "NULL"),
                column("miu", "0", "16777215", "8388608", "1", "NULL", "8388607"),
                column("i", "-2147483648", "2147483647", "0", "-1", "NULL"),
                column("iu", "0", "4294967295", "2147483648", "1", "NULL", "2147483647"),
                column("bi", "-9223372036854775808", "9223372036854775807", "0", "-1", "NULL"),
                column("biu", "0", "18446744073709551615", "9223372036854775808", "1", "9223372036854775807")),
                List.of(move("9223372036854775807", "18446744073709551612"), move(keys.get(10), "3")), UTC);

        Migrated migrated = scenario.migrate(db, "MODIFY mi INT, MODIFY miu INT UNSIGNED, ADD COLUMN extra INT NULL");

        assertThat(TableContents.createStatement(db, "t")).containsPattern("`mi` int(\\(11\\))? DEFAULT NULL")
                .containsPattern("`miu` int(\\(10\\))? unsigned DEFAULT NULL").contains("`extra` int");
        List<ComparedColumn> columns = shared(db, "mi", "miu");
        columns.add(ComparedColumn.retyped("mi", "SIGNED"));
        columns.add(ComparedColumn.retyped("miu", "UNSIGNED"));
        assertSameRows(db, columns);
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void decimalsAndFloatingPoint(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL, d65 DECIMAL(65,30),"
                + " du DECIMAL(20,5) UNSIGNED, d0 DECIMAL(30,0) NOT NULL, f FLOAT, dbl DOUBLE)");
        Scenario scenario = new Scenario(numbers(1, 200), numbers(1001, 20), List.of(
                column("d65", "99999999999999999999999999999999999.999999999999999999999999999999",
                        "-99999999999999999999999999999999999.999999999999999999999999999999",
                        "0.000000000000000000000000000001", "-0.000000000000000000000000000001", "0", "-1.5", "NULL",
                        "12345678901234567890.123456789012345678901234567890"),
                column("du", "0", "999999999999999.99999", "0.00001", "1", "NULL"),
                column("d0", "999999999999999999999999999999", "-999999999999999999999999999999", "0", "-1"),
                column("f", "3.4028234e38", "-3.4028234e38", "1.1754944e-38", "1.4e-45", "0.1", "-3.25", "0", "NULL",
                        "16777217"),
                column("dbl", "1.7976931348623157e308", "-1.7976931348623157e308", "2.2250738585072014e-308",
                        "4.9e-324", "0.1", "123456789.123456789", "-0.5", "0", "NULL", "9007199254740993")),
                List.of(move("3", "-3"), move("7", "2147483647")), UTC);

        Migrated migrated = scenario.migrate(db, "ADD COLUMN extra INT NULL");

        assertThat(TableContents.createStatement(db, "t")).contains("`d65` decimal(65,30)").contains("`extra` int");
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    /**
     * A BINARY(16) primary key, some of whose values end in zero bytes: the binlog row image drops a
     * BINARY value's trailing zero bytes, so those keys must still find their rows.
     */
    @EveryFlavor
    void bitsAndBinaryStrings(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id BINARY(16) NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL,"
                + " b1 BIT(1), b8 BIT(8), b13 BIT(13), b64 BIT(64), bn BINARY(4), vb VARBINARY(20), bl BLOB, lb LONGBLOB)");
        List<String> keys = new ArrayList<>(List.of("x'00112233445566778899AABBCCDDEE00'", "x'AB000000000000000000000000000000'",
                "x'00000000000000000000000000000000'", "x'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'",
                "x'80000000000000000000000000000000'", "x'20202020202020202020202020202020'",
                "x'00000000000000000000000000000001'", "x'CD000000000000000000000000000000'",
                "x'7F000000000000000000000000000000'", "x'01020300000000000000000000000000'"));
        // half of them ending in 1 to 14 zero bytes
        IntStream.range(1, 200).forEach(i -> keys.add(i % 2 == 0 ? "UNHEX(MD5('" + i + "'))"
                : "UNHEX(RPAD(LEFT(MD5('" + i + "'), " + 2 * (2 + i % 14) + "), 32, '0'))"));
        List<String> newKeys = List.of("x'EE000000000000000000000000000000'", "x'00000000000000000000000000000002'",
                "x'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00'", "UNHEX(MD5('new 1'))", "UNHEX(MD5('new 2'))", "UNHEX(MD5('new 3'))");
        Scenario scenario = new Scenario(keys, newKeys, List.of(
                column("b1", "b'1'", "b'0'", "NULL"),
                column("b8", "b'11111111'", "b'10000000'", "b'0'", "b'1'", "NULL"),
                column("b13", "b'1111111111111'", "b'1000000000000'", "b'0000000000001'", "0", "NULL"),
                column("b64", "x'FFFFFFFFFFFFFFFF'", "x'8000000000000000'", "x'7FFFFFFFFFFFFFFF'", "0", "1", "NULL"),
                column("bn", "x'00FF2000'", "x'41200000'", "x'00000000'", "x'20202020'", "''", "NULL", "x'FFFFFFFF'"),
                column("vb", "x'00'", "''", "x'DEADBEEF00'", "x'2020'", "NULL", "x'FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00'"),
                column("bl", "x'00FFFE80'", "''", "x'20'", "NULL", "REPEAT(x'00FF', 1000)"),
                column("lb", "x'DEADBEEF00'", "NULL", "REPEAT(x'ABCDEF', 30000)", "''")),
                List.of(move(keys.get(2), "x'00000000000000000000000000000003'"), move(keys.get(6), "x'99000000000000000000000000000000'"),
                        move(keys.get(14), "x'00000000000000000000000000000000'")), UTC);

        Migrated migrated = scenario.migrate(db, "MODIFY vb VARBINARY(40), ADD COLUMN extra INT NULL");

        assertThat(TableContents.createStatement(db, "t")).contains("`vb` varbinary(40)").contains("`extra` int");
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    /**
     * Enum and set members with quotes, commas, parentheses and accents, the empty "error" member
     * that a non-strict session stores for an unknown value, an ENUM that the ALTER gives another
     * member, and one that it turns into a VARCHAR (the label, not the index, must arrive).
     */
    @EveryFlavor
    void enumsAndSets(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL,"
                + " e ENUM('a', 'b c', 'it''s', 'x,y', '(p)', '\u00e9t\u00e9', 'back\\\\slash') CHARACTER SET utf8mb4,"
                + " el ENUM('\u00e9', '\u00fc', 'plain') CHARACTER SET latin1 NOT NULL,"
                + " s SET('a', 'b c', 'it''s', '(p)', '\u00e9', 'tab\\t') CHARACTER SET utf8mb4,"
                + " s64 SET(" + IntStream.range(0, 64).mapToObj(i -> "'m" + i + "'").collect(Collectors.joining(",")) + "),"
                + " ev ENUM('small', 'medium', 'large', 'x-large'))");
        Scenario scenario = new Scenario(numbers(1, 200), numbers(1001, 20), List.of(
                column("e", "'a'", "'b c'", "'it''s'", "'x,y'", "'(p)'", "'\u00e9t\u00e9'", "'back\\\\slash'", "NULL",
                        "'no such member'"),
                column("el", "'\u00e9'", "'\u00fc'", "'plain'"),
                column("s", "'a'", "'a,b c,it''s,(p),\u00e9,tab\\t'", "''", "'it''s,\u00e9'", "NULL", "'(p)'"),
                column("s64", "'m0'", "'m63'", "'m1,m62'", "''", "NULL", "'m31,m32'",
                        "'" + IntStream.range(0, 64).mapToObj(i -> "m" + i).collect(Collectors.joining(",")) + "'"),
                column("ev", "'small'", "'x-large'", "'medium'", "NULL", "'large'", "'nope'")),
                List.of(move("3", "-3"), move("7", "7000")),
                // unknown members store the error value '' (index 0) only when the mode is not strict
                "SET sql_mode = ''");

        Migrated migrated = scenario.migrate(db, "MODIFY ev VARCHAR(20) NULL, MODIFY e ENUM('a', 'b c', 'it''s', 'x,y', '(p)',"
                + " '\u00e9t\u00e9', 'back\\\\slash', 'added') CHARACTER SET utf8mb4");

        assertThat(TableContents.createStatement(db, "t")).contains("`ev` varchar(20)").contains("'added')");
        List<ComparedColumn> columns = shared(db, "ev");
        columns.add(ComparedColumn.retyped("ev", "CHAR(20)"));
        assertSameRows(db, columns);
        assertThat(value(db, "SELECT COUNT(*) FROM t WHERE e = ''")).as("rows with the error member").isNotEqualTo("0");
        assertThat(value(db, "SELECT COUNT(*) FROM t WHERE ev = 'x-large'")).isNotEqualTo("0");
        migrated.assertAllBinlogChangesApplied();
    }

    /**
     * DATE, DATETIME and TIMESTAMP (and non-negative TIME and YEAR) written from sessions in
     * '+05:30' and '-08:00': a TIMESTAMP is stored in UTC and must stay the same instant.
     */
    @EveryFlavor
    void datesAndTimesFromOtherTimeZones(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL, d DATE, dt DATETIME(6),"
                + " dt0 DATETIME, ts TIMESTAMP(6) NULL DEFAULT NULL, ts0 TIMESTAMP NULL DEFAULT NULL,"
                + " tm TIME(6), y YEAR)");
        Scenario scenario = new Scenario(numbers(1, 200), numbers(1001, 20), List.of(
                column("d", "'1000-01-01'", "'9999-12-31'", "'1969-12-31'", "'2024-02-29'", "'1582-10-04'", "NULL", "CURDATE()"),
                column("dt", "'1000-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.999999'", "'1969-12-31 23:59:59.999999'",
                        "'2024-03-10 02:30:00.000001'", "'1582-10-15 00:00:00.5'", "NOW(6)", "NULL"),
                column("dt0", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'", "'2024-11-03 01:30:00'", "NULL"),
                // within TIMESTAMP's range in every session zone used here
                column("ts", "'1970-01-02 00:00:00.000001'", "'2038-01-18 12:00:00.999999'", "'2024-03-10 02:30:00.5'",
                        "'2000-02-29 12:00:00'", "NOW(6)", "UTC_TIMESTAMP(6)", "NULL"),
                column("ts0", "'1970-01-02 00:00:00'", "'2038-01-18 12:00:00'", "'2024-11-03 01:30:00'", "NOW()", "NULL"),
                column("tm", "'00:00:00'", "'838:59:59.000000'", "'23:59:59.999999'", "'100:00:00.5'", "'00:00:00.000001'", "NULL"),
                column("y", "1901", "2155", "2000", "0", "NULL")),
                List.of(move("3", "-3"), move("7", "7000")),
                "SET time_zone = '+05:30'", "SET time_zone = '-08:00'");

        Migrated migrated = scenario.migrate(db, "ADD COLUMN extra INT NULL");

        assertThat(TableContents.createStatement(db, "t")).contains("`ts` timestamp(6)").contains("`extra` int");
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    /** The zero date in DATE, DATETIME and TIMESTAMP, written under a permissive sql_mode. */
    @EveryFlavor
    void zeroDates(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL, d DATE NULL,"
                + " dt DATETIME(6) NULL, ts TIMESTAMP(6) NULL DEFAULT NULL, dn DATE NOT NULL)");
        Scenario scenario = new Scenario(numbers(1, 150), numbers(1001, 20), List.of(
                column("d", "'0000-00-00'", "'2024-01-01'", "NULL"),
                column("dt", "'0000-00-00 00:00:00'", "'0000-00-00 00:00:00.000000'", "'2024-01-01 10:00:00.5'", "NULL"),
                column("ts", "'0000-00-00 00:00:00'", "'2024-01-01 10:00:00.5'", "NULL", "0"),
                column("dn", "'0000-00-00'", "'1999-12-31'")),
                List.of(move("3", "-3")), "SET sql_mode = '', time_zone = '+00:00'");

        Migrated migrated = scenario.migrate(db, "ADD COLUMN extra INT NULL");

        assertThat(TableContents.createStatement(db, "t")).contains("`extra` int");
        assertSameRows(db, shared(db));
        assertThat(value(db, "SELECT COUNT(*) FROM t WHERE CAST(ts AS CHAR) = '0000-00-00 00:00:00.000000'"))
                .as("zero timestamps").isNotEqualTo("0");
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void json(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL, j JSON NULL)");
        Scenario scenario = new Scenario(numbers(1, 150), numbers(1001, 20), List.of(
                column("j", "'{\"a\": 1, \"b\": [true, false, null], \"s\": \"\uD83D\uDE00 \\\\\"q\\\\\" \\\\\\\\ \u00e9\\\\n\"}'",
                        "'[]'", "'{}'", "'\"string\"'", "'\"\"'", "'3.14'", "'-1'", "'null'", "'true'", "NULL",
                        "'18446744073709551615'", "'-9223372036854775808'", "'[0.5, -2.25, 1e-5, 123.456]'",
                        "'{\"nested\": {\"deeper\": [1, [2, [3, {\"k\": \"v\"}]]]}, \"\": \"empty key\"}'",
                        "CONCAT('{\"big\": \"', REPEAT('x', 70000), '\", \"n\": [1, 2.5, \"t\"]}')",
                        "JSON_OBJECT('k', 'v', 'n', 42, 'a', JSON_ARRAY(1, 'two', NULL))")),
                List.of(move("3", "-3"), move("7", "7000")), UTC);

        Migrated migrated = scenario.migrate(db, "ADD COLUMN extra INT NULL");

        assertThat(TableContents.createStatement(db, "t")).containsPattern("`j` (json|longtext)").contains("`extra` int");
        assertSameRows(db, shared(db));
        migrated.assertAllBinlogChangesApplied();
    }

    /** utf8mb4 text with emoji beside latin1 text, and the whole table converted to utf8mb4. */
    @EveryFlavor
    void charsetsConvertedToUtf8mb4(TestDatabase db) throws Exception {
        createTextTable(db);
        Scenario scenario = textScenario();

        Migrated migrated = scenario.migrate(db, "CONVERT TO CHARACTER SET utf8mb4");

        String definition = TableContents.createStatement(db, "t");
        assertThat(definition).contains("CHARSET=utf8mb4").doesNotContain("latin1");
        List<ComparedColumn> columns = shared(db, "l", "lc", "lt");
        columns.add(ComparedColumn.inCharset("l", "utf8mb4"));
        columns.add(ComparedColumn.inCharset("lc", "utf8mb4"));
        columns.add(ComparedColumn.inCharset("lt", "utf8mb4"));
        assertSameRows(db, columns);
        migrated.assertAllBinlogChangesApplied();
    }

    @EveryFlavor
    void oneLatin1ColumnModifiedToUtf8mb4(TestDatabase db) throws Exception {
        createTextTable(db);
        Scenario scenario = textScenario();

        Migrated migrated = scenario.migrate(db, "MODIFY l VARCHAR(40) CHARACTER SET utf8mb4 NULL");

        assertThat(TableContents.createStatement(db, "t")).containsPattern("`l` varchar\\(40\\) CHARACTER SET utf8mb4")
                .containsPattern("`lt` text");
        List<ComparedColumn> columns = shared(db, "l");
        columns.add(ComparedColumn.inCharset("l", "utf8mb4"));
        assertSameRows(db, columns);
        migrated.assertAllBinlogChangesApplied();
    }

    /** Generated columns of the original, and one the ALTER adds: the server computes them all. */
    @EveryFlavor
    void generatedColumns(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL, v BIGINT AS (a * 2) VIRTUAL,"
                + " a INT NULL, s VARCHAR(60) AS (CONCAT(b, '!')) STORED, b VARCHAR(20) CHARACTER SET utf8mb4 NULL,"
                + " w VARCHAR(80) AS (CONCAT(b, '/', a)) VIRTUAL, KEY idx_v (v)) DEFAULT CHARSET=utf8mb4");
        Scenario scenario = new Scenario(numbers(1, 200), numbers(1001, 20), List.of(
                column("a", "21", "NULL", "-5", "2147483647", "-2147483648", "0"),
                column("b", "'x'", "NULL", "''", "'emoji \uD83D\uDE00'", "'it''s'")),
                List.of(move("3", "-3"), move("7", "7000")), UTC);

        Migrated migrated = scenario.migrate(db, "ADD COLUMN g BIGINT AS (a + 1) STORED, ADD COLUMN extra INT NULL");

        assertThat(TableContents.createStatement(db, "t")).contains("VIRTUAL").contains("STORED")
                .containsPattern("`g` bigint(\\(20\\))? GENERATED ALWAYS AS \\(+`a` \\+ 1\\)+ STORED");
        assertSameRows(db, shared(db));
        assertThat(value(db, "SELECT COUNT(*) FROM t WHERE NOT (v <=> a * 2) OR NOT (s <=> CONCAT(b, '!'))"
                + " OR NOT (w <=> CONCAT(b, '/', a)) OR NOT (g <=> a + 1)"))
                .as("rows whose generated values are not their expressions").isEqualTo("0");
        migrated.assertAllBinlogChangesApplied();
    }

    // ---------------------------------------------------------------------------------------------

    private static void createTextTable(TestDatabase db) {
        db.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, tag VARCHAR(40) NOT NULL,"
                + " u VARCHAR(50) CHARACTER SET utf8mb4 NULL, ut TEXT CHARACTER SET utf8mb4, uc CHAR(10) CHARACTER SET utf8mb4,"
                + " l VARCHAR(40) NULL, lc CHAR(10) NULL, lt TEXT NULL) DEFAULT CHARSET=latin1");
    }

    private static Scenario textScenario() {
        return new Scenario(numbers(1, 200), numbers(1001, 20), List.of(
                column("u", "'emoji \uD83D\uDE00\uD83C\uDF89 and \u00e9\u00fc\u4e2d'", "''", "'it''s'", "NULL",
                        "'\uD834\uDD1E music'", "'back\\\\slash \"q\"'", "'trailing  '"),
                column("ut", "'text \uD83D\uDE00'", "REPEAT('\u00e9\uD83D\uDE00', 3000)", "''", "NULL", "' lead'"),
                column("uc", "'h\u00e9llo \uD83D\uDE00'", "'a  '", "''", "NULL"),
                column("l", "'caf\u00e9'", "'\u00fcber \u00e9t\u00e9 \u00bf\u00c4rger?'", "'na\u00efve \u00df \u00d8'", "''",
                        "NULL", "'plain'", "'trailing  '"),
                column("lc", "'caf\u00e9'", "'b  '", "''", "NULL", "'\u00ff\u00fe\u00e0'"),
                column("lt", "'tab\\there'", "REPEAT('\u00e4\u00f6\u00fc', 5000)", "''", "NULL", "'it''s \u00a9'")),
                List.of(move("3", "-3"), move("7", "7000")), UTC);
    }

    private static List<String> numbers(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(Integer::toString).toList();
    }

    private static EdgeColumn column(String name, String... values) {
        return new EdgeColumn(name, List.of(values));
    }

    private static Move move(String from, String to) {
        return new Move(from, to);
    }

    private static List<ComparedColumn> shared(TestDatabase db, String... except) throws SQLException {
        return new ArrayList<>(OldAndNewRows.sharedColumns(db, "t", "_t_del", except));
    }

    private static void assertSameRows(TestDatabase db, List<ComparedColumn> columns) throws SQLException {
        OldAndNewRows.assertSame(db, "t", "_t_del", columns);
    }

    private static String value(TestDatabase db, String query) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             var row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }

    /** A finished migration and the number of row changes written to the binlog before its cut-over. */
    private record Migrated(Progress done, long binlogChanges) {

        void assertAllBinlogChangesApplied() {
            assertThat(done.eventsApplied()).as("binlog row changes applied").isEqualTo(binlogChanges);
        }
    }

    /** An UPDATE of the key from one value to another. */
    private record Move(String from, String to) {
    }

    /** A column and the SQL literals (or expressions) it takes in turn. */
    private record EdgeColumn(String name, List<String> values) {
    }

    /**
     * The rows of table {@code t} (key column {@code id}, a {@code tag} column, and the edge
     * columns) and the writes made to it. Row {@code i} takes, in column {@code c}, edge value
     * {@code (i + c) mod n}, so that values meet in many combinations. Statement {@code j} runs in
     * session {@code j mod sessions}, each set up by its statement (time zone, sql_mode).
     *
     * @param keys     the keys of the rows present when the migration starts (copied)
     * @param newKeys  keys inserted while the migration awaits its cut-over
     * @param moves    keys changed by an UPDATE then (from, to); each {@code from} a key that the
     *                 other writes do not delete ({@code index mod 4 != 1})
     * @param sessions one set-up statement per session
     */
    private record Scenario(List<String> keys, List<String> newKeys, List<EdgeColumn> columns, List<Move> moves,
                            String... sessions) {

        /** Fills the table, migrates it with {@code alter}, writing through the binlog before the cut-over. */
        Migrated migrate(TestDatabase db, String alter) throws Exception {
            try (Sessions sessions = new Sessions(db, this.sessions)) {
                for (int i = 0; i < keys.size(); i++) {
                    sessions.next().executeUpdate(insert(keys.get(i), "copy-" + i, i));
                }
            }
            try (HeldMigration migration = HeldMigration.start(db, "t", alter)) {
                long changes = writeThroughTheBinlog(db);
                return new Migrated(migration.cutOver(), changes);
            }
        }

        /**
         * Inserts, updates, updates twice in one transaction, deletes (of copied rows and of rows
         * inserted just before) and key changes.
         */
        private long writeThroughTheBinlog(TestDatabase db) throws SQLException {
            long changes = 0;
            try (Sessions sessions = new Sessions(db, this.sessions)) {
                for (int j = 0; j < newKeys.size(); j++) {
                    changes += sessions.next().executeUpdate(insert(newKeys.get(j), "ins-" + j, j + 7));
                }
                for (int i = 0; i < keys.size(); i++) {
                    Statement session = sessions.next();
                    switch (i % 4) {
                        case 0 -> changes += session.executeUpdate(update(keys.get(i), "upd-" + i, i + 1));
                        case 1 -> changes += session.executeUpdate("DELETE FROM t WHERE id = " + keys.get(i));
                        case 3 -> {
                            session.getConnection().setAutoCommit(false);
                            changes += session.executeUpdate(update(keys.get(i), "twice-a-" + i, i + 2));
                            changes += session.executeUpdate(update(keys.get(i), "twice-b-" + i, i + 5));
                            session.getConnection().commit();
                            session.getConnection().setAutoCommit(true);
                        }
                        default -> {
                        }
                    }
                }
                for (int j = 0; j < newKeys.size(); j++) {
                    Statement session = sessions.next();
                    if (j % 3 == 0) {
                        changes += session.executeUpdate(update(newKeys.get(j), "ins-upd-" + j, j + 1));
                    } else if (j % 3 == 1) {
                        changes += session.executeUpdate("DELETE FROM t WHERE id = " + newKeys.get(j));
                    }
                }
                for (Move move : moves) {
                    changes += sessions.next().executeUpdate("UPDATE t SET id = " + move.to() + ", tag = 'moved' WHERE id = " + move.from());
                }
            }
            return changes;
        }

        private String insert(String key, String tag, int row) {
            return "INSERT INTO t (id, tag, " + columns.stream().map(EdgeColumn::name).collect(Collectors.joining(", "))
                    + ") VALUES (" + key + ", '" + tag + "', " + String.join(", ", values(row)) + ")";
        }

        private String update(String key, String tag, int row) {
            List<String> values = values(row);
            List<String> assignments = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                assignments.add(columns.get(c).name() + " = " + values.get(c));
            }
            return "UPDATE t SET tag = '" + tag + "', " + String.join(", ", assignments) + " WHERE id = " + key;
        }

        private List<String> values(int row) {
            List<String> values = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                List<String> edges = columns.get(c).values();
                values.add(edges.get((row + c) % edges.size()));
            }
            return values;
        }
    }

    /** A few sessions, each set up once, handed out in turn. */
    private static final class Sessions implements AutoCloseable {

        private final List<Connection> connections = new ArrayList<>();
        private final List<Statement> statements = new ArrayList<>();
        private int next;

        Sessions(TestDatabase db, String... setUps) throws SQLException {
            for (String setUp : setUps) {
                Connection connection = db.connect();
                connections.add(connection);
                Statement statement = connection.createStatement();
                statement.execute(setUp);
                statements.add(statement);
            }
        }

        Statement next() {
            return statements.get(next++ % statements.size());
        }

        @Override
        public void close() throws SQLException {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }
}
