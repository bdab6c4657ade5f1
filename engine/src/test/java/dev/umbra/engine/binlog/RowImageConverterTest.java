package dev.umbra.engine.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import dev.umbra.engine.table.Column;
import dev.umbra.engine.table.TableSchema;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Row images of a table {@code src}, captured from the real binlog, are inserted into {@code dst}
 * through {@link RowImageConverter}; then both tables must read back the same, row by row.
 */
class RowImageConverterTest {

    /** Members with quotes, commas, parentheses, backslashes, line breaks and non-ASCII letters. */
    private static final String ENUMS_AND_SETS =
            "e ENUM('a', 'b c', 'it''s', 'x,y', '(p)', '\u00e9t\u00e9', 'back\\\\slash', 'line\\nbreak') CHARACTER SET utf8mb4,"
            + " el ENUM('\u00e9', '\u00fc', 'plain') CHARACTER SET latin1,"
            + " s SET('a', 'b c', 'it''s', '(p)', '\u00e9', 'tab\\t') CHARACTER SET utf8mb4,"
            + " s64 SET(" + setMembers(64) + ")";

    @EveryFlavor
    void integers(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,"
                + " mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED)";
        roundTrip(db, table, table, session(
                "INSERT INTO src VALUES (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0)",
                "INSERT INTO src VALUES (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
                        + " 9223372036854775807, 18446744073709551615)",
                // the signed reading of these unsigned values is negative
                "INSERT INTO src VALUES (3, -1, 128, -1, 32768, -1, 8388608, -1, 2147483648, -1, 9223372036854775808)",
                "INSERT INTO src VALUES (4, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1)",
                "INSERT INTO src (id) VALUES (5)"));
    }

    @EveryFlavor
    void decimalsFloatsAndBits(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, d65 DECIMAL(65,30), d10 DECIMAL(10,2), d0 DECIMAL(30,0) UNSIGNED,"
                + " f FLOAT, dbl DOUBLE, b1 BIT(1), b8 BIT(8), b13 BIT(13), b64 BIT(64))";
        roundTrip(db, table, table, session(
                "INSERT INTO src VALUES (1, 99999999999999999999999999999999999.999999999999999999999999999999,"
                        + " 99999999.99, 999999999999999999999999999999, 3.4028234e38, 1.7976931348623157e308,"
                        + " b'1', b'11111111', b'1111111111111', 0xFFFFFFFFFFFFFFFF)",
                "INSERT INTO src VALUES (2, -99999999999999999999999999999999999.999999999999999999999999999999,"
                        + " -99999999.99, 0, -1.1754944e-38, -2.2250738585072014e-308,"
                        + " b'0', b'10000000', b'1000000000000', 0x8000000000000000)",
                "INSERT INTO src VALUES (3, 0.000000000000000000000000000001, 0.01, 1, 0.1, 0.1,"
                        + " b'0', b'1', b'0000000000001', 0x7FFFFFFFFFFFFFFF)",
                "INSERT INTO src VALUES (4, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
                "INSERT INTO src VALUES (5, -1.5, -0.5, 12345, -3.25, 123456789.123456789, 1, 170, 4660, 1)",
                "INSERT INTO src (id) VALUES (6)"));
    }

    @EveryFlavor
    void charactersAndBytes(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY,"
                + " uc CHAR(10) CHARACTER SET utf8mb4, uv VARCHAR(50) CHARACTER SET utf8mb4, ut TEXT CHARACTER SET utf8mb4,"
                + " lc CHAR(10) CHARACTER SET latin1, lv VARCHAR(50) CHARACTER SET latin1, lt MEDIUMTEXT CHARACTER SET latin1,"
                + " bn BINARY(4), vb VARBINARY(10), bl BLOB, lb LONGBLOB)";
        roundTrip(db, table, table, session(
                "INSERT INTO src VALUES (1, 'h\u00e9llo \uD83D\uDE00', 'emoji \uD83D\uDE00\uD83C\uDF89 and \u00e9\u00fc\u4e2d',"
                        + " 'text \uD83D\uDE00', 'caf\u00e9', '\u00fcber \u00e9t\u00e9 \u00bf\u00c4rger?', 'na\u00efve \u00e9\u00fc\u00df',"
                        + " x'00FF2000', x'00', x'00FFFE80', x'DEADBEEF00')",
                "INSERT INTO src VALUES (2, '', '', '', '', '', '', x'41200000', '', '', '')",
                "INSERT INTO src VALUES (3, 'a  ', 'trailing  ', ' lead', 'b  ', 'trailing  ', ' lead',"
                        + " x'20202020', x'2020', x'20', x'0000')",
                "INSERT INTO src VALUES (4, 'it''s', 'back\\\\slash \"q\" ''s''', 'nul\\0byte', 'it''s',"
                        + " 'back\\\\slash', 'tab\\there', 'abcd', 'abc', 'abc', 'abc')",
                "INSERT INTO src (id) VALUES (5)"));
    }

    @EveryFlavor
    void enumsAndSets(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, " + ENUMS_AND_SETS + ")";
        roundTrip(db, table, table, allRowsOfEnumsAndSets());
    }

    @EveryFlavor
    void enumBecomesVarcharAndLatin1BecomesUtf8mb4(TestDatabase db) throws Exception {
        String src = "(id INT PRIMARY KEY, " + ENUMS_AND_SETS + ","
                + " lv VARCHAR(40) CHARACTER SET latin1, lt TEXT CHARACTER SET latin1)";
        String dst = "(id INT PRIMARY KEY, e VARCHAR(20) CHARACTER SET utf8mb4, el VARCHAR(20) CHARACTER SET utf8mb4,"
                + " s VARCHAR(60) CHARACTER SET utf8mb4, s64 TEXT,"
                + " lv VARCHAR(40) CHARACTER SET utf8mb4, lt TEXT CHARACTER SET utf8mb4)";
        List<String> writes = new ArrayList<>(allRowsOfEnumsAndSets());
        writes.add("INSERT INTO src (id, lv, lt) VALUES (10, '\u00e9t\u00e9 \u00fcber \u00bf\u00c4?', 'na\u00efve \u00df \u00d8'),"
                + " (12, '\u00e9\u00fc', '\u00c4\u00d6\u00dc \u00e4\u00f6\u00fc \u00df'), (13, '', 'plain ascii')");
        roundTrip(db, src, dst, writes);
    }

    private static List<String> allRowsOfEnumsAndSets() {
        return session(
                "INSERT INTO src (id, e, el, s, s64) VALUES (1, 'a', '\u00e9', 'a', 'm0')",
                "INSERT INTO src (id, e, el, s, s64) VALUES (2, 'b c', '\u00fc', 'a,b c,it''s,(p),\u00e9', '" + setMembers(64).replace("'", "") + "')",
                "INSERT INTO src (id, e, el, s, s64) VALUES (3, 'it''s', 'plain', '', 'm63')",
                "INSERT INTO src (id, e, el, s, s64) VALUES (4, 'x,y', NULL, 'it''s,\u00e9', 'm1,m62')",
                "INSERT INTO src (id, e, el, s, s64) VALUES (5, '(p)', 'plain', '(p)', '')",
                "INSERT INTO src (id, e, el, s, s64) VALUES (6, '\u00e9t\u00e9', '\u00e9', 'b c', 'm31,m32')",
                "INSERT INTO src (id, e, el, s, s64) VALUES (7, 'back\\\\slash', '\u00fc', NULL, NULL)",
                "INSERT INTO src (id) VALUES (8)",
                "INSERT INTO src (id, e, s) VALUES (11, 'line\\nbreak', 'tab\\t,a')",
                // an invalid value stores the "error" member '' (index 0) when the mode is not strict
                "SET sql_mode = ''",
                "INSERT INTO src (id, e, el) VALUES (9, 'no such member', 'nope')");
    }

    private static String setMembers(int count) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add("'m" + i + "'");
        }
        return String.join(",", members);
    }

    @EveryFlavor
    void datesAndTimes(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, d DATE, dt DATETIME(6), dt0 DATETIME, dt3 DATETIME(3),"
                + " ts TIMESTAMP(6) NULL DEFAULT NULL, ts0 TIMESTAMP NULL DEFAULT NULL,"
                + " t TIME(6), t0 TIME, t2 TIME(2), y YEAR)";
        String columns = "INSERT INTO src (id, d, dt, dt0, dt3, ts, ts0, t, t0, t2, y) VALUES ";
        roundTrip(db, table, table,
                session("SET time_zone = '+00:00'",
                        columns + "(1, '1000-01-01', '1000-01-01 00:00:00.000000', '1000-01-01 00:00:00', '1000-01-01 00:00:00.001',"
                                + " '1970-01-01 00:00:01.000000', '1970-01-01 00:00:01', '00:00:00', '00:00:00', '00:00:00.01', 1901)",
                        columns + "(2, '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999',"
                                + " '2038-01-19 03:14:07.999999', '2038-01-19 03:14:07', '838:59:59', '838:59:59', '838:59:59', 2155)",
                        columns + "(3, '1969-12-31', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999',"
                                + " '2000-02-29 12:00:00.000001', '2000-02-29 23:59:59', '24:00:00.000001', '100:00:00', '00:59:59.9', 0)",
                        // dates before the Gregorian reform (the library uses the Julian calendar there)
                        columns + "(4, '1582-10-04', '1582-10-15 00:00:00.5', '1200-06-15 12:00:00', '0001-01-01 00:00:00.999',"
                                + " NULL, NULL, '12:34:56.123456', '23:59:59', '99:59:59.99', 2000)"),
                session("SET time_zone = '+05:30'",
                        columns + "(5, '2024-03-10', '2024-03-10 12:34:56.789012', '2024-03-10 12:34:56', '2024-03-10 12:34:56.789',"
                                + " '2024-03-10 12:34:56.789012', '2024-03-10 05:00:00', '25:00:00.5', '48:00:00', '01:02:03.45', 2024)",
                        "INSERT INTO src (id, dt, ts) VALUES (6, NOW(6), NOW(6))"),
                session("SET time_zone = '-08:00'",
                        columns + "(7, '2024-11-03', '2024-11-03 01:30:00.000001', '2024-11-03 01:30:00', '2024-11-03 01:30:00.001',"
                                + " '2024-11-03 01:30:00.000001', '1970-01-01 00:00:01', '00:00:00.000001', '00:00:01', '00:00:00.5', 1970)",
                        "INSERT INTO src (id, dt, ts) VALUES (8, NOW(6), NOW(6))"),
                session("SET sql_mode = ''",
                        columns + "(9, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',"
                                + " '0000-00-00 00:00:00', '0000-00-00 00:00:00', '00:00:00', '00:00:00', '00:00:00', 0)"),
                session(columns + "(10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"));
    }

    @EveryFlavor
    void json(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, j JSON)";
        roundTrip(db, table, table, session(
                "INSERT INTO src VALUES (1, '{\"a\": 1, \"b\": [true, false, null], \"s\": \"\uD83D\uDE00 \\\\\"q\\\\\" \\\\\\\\ \u00e9\\\\n\"}')",
                "INSERT INTO src VALUES (2, '[]'), (3, '{}'), (4, '\"string\"'), (5, '3.14'), (6, '-1'), (7, 'null'),"
                        + " (8, 'true'), (9, '18446744073709551615'), (10, '-9223372036854775808'), (11, '[0.5, -2.25, 1e-5, 123.456]'),"
                        + " (12, '{\"nested\": {\"deeper\": [1, [2, [3, {\"k\": \"v\"}]]]}, \"\": \"empty key\"}')",
                "INSERT INTO src VALUES (13, NULL)",
                // more than 64 KiB: MySQL switches to the large binary format
                "INSERT INTO src VALUES (14, CONCAT('{\"big\": \"', REPEAT('x', 70000), '\", \"n\": [1, 2.5, \"t\"]}'))",
                "INSERT INTO src VALUES (15, JSON_OBJECT('k', 'v', 'n', 42, 'a', JSON_ARRAY(1, 'two', NULL)))"));
    }

    @EveryFlavor
    void spatial(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, g GEOMETRY, p POINT, l LINESTRING, mp MULTIPOLYGON, gc GEOMETRYCOLLECTION)";
        roundTrip(db, table, table, session(
                "INSERT INTO src VALUES (1, ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'),"
                        + " ST_GeomFromText('POINT(1.5 -2.25)'), ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)'),"
                        + " ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))'),"
                        + " ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 3 3))'))",
                "INSERT INTO src VALUES (2, ST_GeomFromText('POINT(3 4)', 4326), NULL, NULL, NULL, NULL)",
                "INSERT INTO src (id) VALUES (3)"));
    }

    @EveryFlavor
    void generatedColumns(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, v INT AS (a * 2) VIRTUAL, a INT,"
                + " s VARCHAR(40) AS (CONCAT(b, '!')) STORED, b VARCHAR(20), w VARCHAR(50) AS (CONCAT(b, '/', a)) VIRTUAL)";
        roundTrip(db, table, table, session(
                "INSERT INTO src (id, a, b) VALUES (1, 21, 'x'), (2, NULL, 'y'), (3, -5, NULL), (4, NULL, NULL)"));
    }

    /**
     * DATE, TIME and DATETIME values the binlog library decodes wrongly through its calendar
     * (negative times, dates with a zero month or day, year 0, the days the Gregorian reform skipped)
     * are decoded from the stored bytes (ExactTemporal) and written back exactly, with every
     * fraction length.
     */
    @EveryFlavor
    void temporalValuesAreCopiedExactlyFromTheStoredBytes(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, t TIME, t1 TIME(1), t3 TIME(3), t6 TIME(6), d DATE, dt DATETIME,"
                + " dt2 DATETIME(2), dt4 DATETIME(4), dt6 DATETIME(6))";
        roundTrip(db, table, table, session("SET sql_mode = ''",
                "INSERT INTO src VALUES"
                        + " (1, '-00:00:01', '-00:00:00.1', '-00:00:00.001', '-838:59:59.000000', '2020-00-00',"
                        + " '2020-05-00 10:00:00', '0000-00-00 00:00:00.50', '0000-01-01 00:00:00.0001', '0000-01-01 00:00:00.000001'),"
                        + " (2, '-838:59:59', '-12:34:56.7', '-12:34:56.789', '-00:00:00.000001', '2020-05-00',"
                        + " '0000-00-00 00:00:00', '2020-00-31 23:59:59.99', '1582-10-10 12:00:00.1234', '1582-10-10 12:00:00.123456'),"
                        + " (3, '838:59:59', '838:59:58.9', '-01:00:00.5', '-01:00:00.000001', '0000-01-01',"
                        + " '1582-10-10 00:00:00', '9999-12-31 23:59:59.99', '2024-02-29 00:00:00.9999', '2024-02-29 00:00:00.000000'),"
                        + " (4, '-01:00:00', '00:00:00.0', '00:00:00', '12:00:00.000001', '1582-10-10',"
                        + " '9999-12-31 23:59:59', '1000-01-01 00:00:00.01', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),"
                        + " (5, '-00:00:00', '-00:00:01.5', '-00:59:59.999', '-838:59:58.999999', '0000-00-00',"
                        + " '0000-00-01 00:00:00', '0001-01-01 00:00:00.01', '0001-01-01 00:00:00.5', '0000-00-00 00:00:00.5'),"
                        + " (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"));
    }

    /**
     * MariaDB still writes the formats from before MySQL 5.6.4 (TIME as ±HHMMSS, DATETIME as
     * YYYYMMDDhhmmss) for tables created with mysql56_temporal_format off, as old tables are.
     */
    @EveryFlavor
    void theOldTimeAndDatetimeFormatsAreCopiedExactlyToo(TestDatabase db) throws Exception {
        if (!db.flavor().isMariaDb()) {
            return; // MySQL writes only the 5.6.4 formats, which the test above covers
        }
        String table = "(id INT PRIMARY KEY, t TIME, dt DATETIME, d DATE)";
        db.server().executeAsRoot("SET GLOBAL mysql56_temporal_format = OFF");
        try {
            roundTrip(db, table, table, session("SET sql_mode = ''",
                    "INSERT INTO src VALUES (1, '-838:59:59', '0000-00-00 00:00:00', '2020-00-00'),"
                            + " (2, '-00:00:01', '2020-05-00 23:59:59', '0000-01-01'), (3, '838:59:59', '1582-10-10 01:02:03', '1582-10-10'),"
                            + " (4, '12:34:56', '9999-12-31 23:59:59', NULL)"));
        } finally {
            db.server().executeAsRoot("SET GLOBAL mysql56_temporal_format = ON");
        }
    }

    /**
     * MySQL's binary JSON holds scalars that its JSON text parser cannot give back from the text
     * that {@code JsonBinary} writes: a double's exact bits (the parser of 5.7 and 8.0 is one ulp off
     * for about a quarter of all doubles, whatever the text form), a DECIMAL (parsed back as a double),
     * a DATE, TIME or DATETIME (parsed back as strings). The applier rebuilds each document value
     * for value instead: 200 doubles of every kind, scalars at the top, nesting, empty containers,
     * the integer extremes, escapes and non-ASCII text all compare equal as JSON and as text. On
     * MariaDB a JSON column is text, and is copied exactly.
     */
    @EveryFlavor
    void jsonDocumentsArriveValueForValue(TestDatabase db) throws Exception {
        String table = "(id INT PRIMARY KEY, j JSON)";
        StringBuilder doubles = new StringBuilder();
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 200; i++) {
            double value = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL);
                case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
                case 2 -> -random.nextGaussian();
                default -> Double.MIN_VALUE * (1 + random.nextInt(1000));
            };
            doubles.append(i == 0 ? "" : ", ").append("(").append(i + 10).append(", JSON_ARRAY(").append(value).append(" + 0e0))");
        }
        Copy copy = copy(db, table, table, session(
                "INSERT INTO src VALUES (1, '1e300'), (2, JSON_OBJECT('d', CAST(1.50 AS DECIMAL(4,2)))),"
                        + " (3, JSON_OBJECT('t', CAST('2024-01-02' AS DATE), 'dt', CAST('2024-01-02 03:04:05.678901' AS DATETIME(6)),"
                        + " 'tm', CAST('-12:34:56.5' AS TIME(1)), 'tm2', CAST('23:59:59.999999' AS TIME(6)), 'tm4', CAST('-23:00:01' AS TIME), 'tm3', CAST('-00:00:00.25' AS TIME(2)), 'nested', JSON_ARRAY(1, 'two', JSON_OBJECT('x', NULL),"
                        + " TRUE, FALSE, 18446744073709551615, -9223372036854775808, 0.1e0, 'quote\\\" back\\\\slash'),"
                        + " 'empty', JSON_OBJECT(), 'none', JSON_ARRAY())),"
                        + " (4, '\"just a string\"'), (5, 'true'), (6, 'null'), (7, '12345678901234567890'),"
                        + " (8, JSON_OBJECT('\u00e9t\u00e9 \u2603', 'caf\u00e9'))",
                "INSERT INTO src VALUES " + doubles));
        List<String> src = copy.src().stream().map(row -> row.get("j")).toList();
        List<String> dst = copy.dst().stream().map(row -> row.get("j")).toList();
        assertThat(dst).isEqualTo(src);
        assertThat(src).hasSize(208).contains("1e300", "{\"d\": 1.50}");
        if (!db.flavor().isMariaDb()) {
            assertThat(List.of(jsonType(db, "src", "$.t"), jsonType(db, "dst", "$.t"))).containsExactly("DATE", "DATE");
            assertThat(List.of(jsonType(db, "src", "$.tm"), jsonType(db, "dst", "$.tm"))).containsExactly("TIME", "TIME");
            assertThat(List.of(jsonType(db, "src", "$.dt"), jsonType(db, "dst", "$.dt"))).containsExactly("DATETIME", "DATETIME");
            try (Connection connection = db.connect(); Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM src s JOIN dst d ON d.id = s.id WHERE NOT s.j <=> d.j")) {
                row.next();
                assertThat(row.getLong(1)).as("documents that compare unequal as JSON").isZero();
            }
        }
    }

    private static String jsonType(TestDatabase db, String table, String path) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT JSON_TYPE(JSON_EXTRACT(j, '" + path + "')) FROM " + table
                     + " WHERE id = 3")) {
            result.next();
            return result.getString(1);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static List<String> session(String... statements) {
        return List.of(statements);
    }

    /** Copies the row images of src into dst and asserts that both read back the same. */
    @SafeVarargs
    private static void roundTrip(TestDatabase db, String srcDefinition, String dstDefinition, List<String>... sessions)
            throws Exception {
        Copy copy = copy(db, srcDefinition, dstDefinition, sessions);
        assertThat(copy.dst()).hasSameSizeAs(copy.src());
        for (int row = 0; row < copy.src().size(); row++) {
            assertThat(copy.dst().get(row)).as("dst row %d on %s", row + 1, db.flavor()).isEqualTo(copy.src().get(row));
        }
    }

    /** Both tables, read back row by row, each column as comparable text. */
    private record Copy(List<Map<String, String>> src, List<Map<String, String>> dst) {
    }

    @SafeVarargs
    private static Copy copy(TestDatabase db, String srcDefinition, String dstDefinition, List<String>... sessions)
            throws Exception {
        db.execute("CREATE TABLE src " + srcDefinition, "CREATE TABLE dst " + dstDefinition);
        List<Serializable[]> images = capture(db, sessions);
        try (Connection connection = db.connect()) {
            List<Column> columns = columns(connection, db);
            TimeZone jvmZone = TimeZone.getDefault();
            // No value may depend on the JVM's zone: apply under an odd one (UTC-03:30, with DST).
            TimeZone.setDefault(TimeZone.getTimeZone("America/St_Johns"));
            try {
                apply(connection, columns, images);
            } finally {
                TimeZone.setDefault(jvmZone);
            }
            Copy copy = new Copy(read(connection, "src", columns), read(connection, "dst", columns));
            assertThat(copy.src()).as("rows in src").hasSize(images.size());
            return copy;
        }
    }

    /** Runs each session's statements on a connection of its own; returns the row images of src they wrote. */
    @SafeVarargs
    private static List<Serializable[]> capture(TestDatabase db, List<String>... sessions) throws Exception {
        try (RowImages capture = RowImages.start(db, "src")) {
            for (List<String> statements : sessions) {
                db.execute(statements.toArray(String[]::new));
            }
            return capture.await(count(db, "src"));
        }
    }

    private static List<Column> columns(Connection connection, TestDatabase db) throws SQLException {
        return TableSchema.read(connection, new TableName(db.schema(), "src")).orElseThrow().columns();
    }

    /** Each image inserted as the applier writes it: through {@link RowImageConverter#bind}. */
    private static void apply(Connection connection, List<Column> columns, List<Serializable[]> images) throws SQLException {
        RowImageConverter converter = new RowImageConverter(columns);
        List<Integer> written = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.get(i).generated()) {
                written.add(i);
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00', sql_mode = ''");
        }
        for (Serializable[] image : images) {
            assertThat(image).hasSize(columns.size());
            List<RowImageConverter.Bound> bound = written.stream().map(column -> converter.bind(column, image[column])).toList();
            String sql = "INSERT INTO dst (" + written.stream().map(i -> Sql.quote(columns.get(i).name()))
                    .collect(Collectors.joining(", ")) + ") VALUES ("
                    + bound.stream().map(RowImageConverter.Bound::sql).collect(Collectors.joining(", ")) + ")";
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                int index = 1;
                for (RowImageConverter.Bound value : bound) {
                    for (Object parameter : value.parameters()) {
                        insert.setObject(index++, parameter);
                    }
                }
                insert.executeUpdate();
            }
        }
    }

    /** Every column as comparable text; TIMESTAMPs in UTC (the session zone is +00:00 here). */
    private static List<Map<String, String>> read(Connection connection, String table, List<Column> columns)
            throws SQLException {
        String select = columns.stream().map(RowImageConverterTest::comparable).collect(Collectors.joining(", "));
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00'");
            try (ResultSet result = statement.executeQuery("SELECT " + select + " FROM " + table + " ORDER BY id")) {
                while (result.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.put(columns.get(i).name(), result.getString(i + 1));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static String comparable(Column column) {
        String name = Sql.quote(column.name());
        return switch (column.dataType()) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit", "geometry", "point",
                    "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection",
                    "geomcollection" -> "HEX(" + name + ")";
            // as a DOUBLE, so that every bit of a FLOAT shows
            case "float", "double" -> "CAST(" + name + " * 1e0 AS CHAR)";
            default -> "CAST(" + name + " AS CHAR)";
        };
    }

    private static long count(TestDatabase db, String table) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Collects the WRITE_ROWS row images of one table of the test schema, from now on. */
    static final class RowImages implements AutoCloseable {

        private final BinaryLogClient client;
        private final List<Serializable[]> rows = new CopyOnWriteArrayList<>();

        private RowImages(BinaryLogClient client) {
            this.client = client;
        }

        static RowImages start(TestDatabase db, String table) throws Exception {
            BinaryLogClient client = new BinaryLogClient(db.host(), db.port(), db.user(), db.password());
            client.setServerId(ThreadLocalRandom.current().nextLong(100_000, 900_000));
            client.setEventDeserializer(BinlogDeserializer.create());
            RowImages images = new RowImages(client);
            Map<Long, TableMapEventData> tables = new ConcurrentHashMap<>();
            String schema = db.schema();
            client.registerEventListener(event -> {
                EventData data = event.getData();
                if (data instanceof TableMapEventData map) {
                    tables.put(map.getTableId(), map);
                } else if (data instanceof WriteRowsEventData write) {
                    TableMapEventData map = tables.get(write.getTableId());
                    if (map != null && map.getDatabase().equals(schema) && map.getTable().equals(table)) {
                        images.rows.addAll(write.getRows());
                    }
                }
            });
            client.connect(10_000);
            return images;
        }

        List<Serializable[]> await(long count) throws InterruptedException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (rows.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(rows).as("row images received").hasSize((int) count);
            return List.copyOf(rows);
        }

        @Override
        public void close() throws IOException {
            client.disconnect();
        }
    }
}
