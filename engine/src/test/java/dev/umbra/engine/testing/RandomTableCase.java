package dev.umbra.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A random table, a random ALTER the servers accept for it, and random writes, all from one seed:
 * the property test of the row path ({@code RowPathPropertyTest}) compares Umbra's result with the
 * server's own ALTER on a mirror that received the same writes. The same seed gives the same case.
 *
 * <p>Types cover what the row path converts: integers (signed, unsigned), DECIMAL, DOUBLE, character
 * columns in latin1 and utf8mb4 with case-insensitive and binary collations, CHAR with trailing
 * spaces, BLOB, TEXT, ENUM, YEAR, DATE, TIME with fractions and negative values, DATETIME and
 * TIMESTAMP with fractions. The ALTER adds, drops and modifies columns (widening types, changing a
 * character set) and adds indexes; it never narrows a type, so the server's ALTER cannot refuse the
 * data, and never drops or changes a key column's type beyond widening an integer.
 */
public final class RandomTableCase {

    /** A column type, how to write a random literal of it, and a wider type it may become. */
    private record Type(String sql, Function<RandomGenerator, String> literal, String widened, boolean keyable) {
    }

    private static final String LATIN1 = "abcXYZ 019éÄßøñ_-";
    private static final String UNICODE = "abcXYZ 019éÄßø€✓日本😀_-";

    private static final List<Type> TYPES = List.of(
            new Type("INT", r -> Integer.toString(r.nextInt(2_000_001) - 1_000_000), "BIGINT", true),
            new Type("SMALLINT UNSIGNED", r -> Integer.toString(r.nextInt(65_536)), "INT UNSIGNED", true),
            new Type("BIGINT UNSIGNED", r -> Long.toUnsignedString(r.nextLong()), null, true),
            new Type("DECIMAL(10,2)", r -> String.format(java.util.Locale.ROOT, "%.2f", (r.nextInt(2_000_000) - 1_000_000) / 100.0),
                    "DECIMAL(14,4)", false),
            new Type("DOUBLE", r -> Double.toString((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(30) - 10)), null, false),
            new Type("VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci", r -> text(r, LATIN1, 20),
                    "VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", false),
            new Type("VARCHAR(24) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", r -> text(r, UNICODE, 24),
                    "VARCHAR(48) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", true),
            new Type("VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", r -> text(r, UNICODE, 16),
                    "TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", false),
            new Type("CHAR(10) CHARACTER SET latin1", r -> text(r, LATIN1, 10), "CHAR(20) CHARACTER SET utf8mb4", false),
            new Type("TEXT CHARACTER SET utf8mb4", r -> text(r, UNICODE, 200), "MEDIUMTEXT CHARACTER SET utf8mb4", false),
            new Type("BLOB", RandomTableCase::bytes, "MEDIUMBLOB", false),
            new Type("ENUM('red','green','blue')", r -> "'" + List.of("red", "green", "blue").get(r.nextInt(3)) + "'",
                    "ENUM('red','green','blue','black')", false),
            new Type("YEAR", r -> Integer.toString(1901 + r.nextInt(255)), null, false),
            new Type("DATE", r -> "'" + date(r) + "'", "DATETIME", true),
            new Type("TIME(2)", r -> "'" + (r.nextBoolean() ? "-" : "") + r.nextInt(839) + ":" + two(r.nextInt(60)) + ":"
                    + two(r.nextInt(60)) + "." + two(r.nextInt(100)) + "'", "TIME(4)", false),
            new Type("DATETIME", r -> "'" + date(r) + " " + clock(r) + "'", "DATETIME(3)", true),
            new Type("DATETIME(6)", r -> "'" + date(r) + " " + clock(r) + "." + String.format("%06d", r.nextInt(1_000_000)) + "'",
                    null, true),
            new Type("TIMESTAMP(3) NULL DEFAULT NULL", r -> "'" + (1971 + r.nextInt(60)) + "-" + two(1 + r.nextInt(12)) + "-"
                    + two(1 + r.nextInt(28)) + " " + clock(r) + "." + String.format("%03d", r.nextInt(1000)) + "'",
                    "DATETIME(3) NULL", false));


    private final long seed;
    private final List<String> columns = new ArrayList<>();
    private final List<Type> columnTypes = new ArrayList<>();
    private final List<Boolean> nullable = new ArrayList<>();
    private final List<String> key = new ArrayList<>();
    private final String alter;

    public RandomTableCase(long seed) {
        this.seed = seed;
        RandomGenerator random = new SplittableRandom(seed);
        int keyColumns = 1 + random.nextInt(2);
        List<Type> keyable = TYPES.stream().filter(Type::keyable).toList();
        for (int i = 0; i < keyColumns; i++) {
            add("k" + i, keyable.get(random.nextInt(keyable.size())), false);
            key.add("k" + i);
        }
        int valueColumns = 2 + random.nextInt(5);
        for (int i = 0; i < valueColumns; i++) {
            add("c" + i, TYPES.get(random.nextInt(TYPES.size())), random.nextInt(3) == 0);
        }
        this.alter = randomAlter(random);
    }

    private void add(String name, Type type, boolean isNullable) {
        columns.add(name);
        columnTypes.add(type);
        nullable.add(isNullable || type.sql().contains("NULL DEFAULT NULL"));
    }

    private String randomAlter(RandomGenerator random) {
        List<String> clauses = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Type type = columnTypes.get(i);
            boolean isKey = key.contains(columns.get(i));
            if (type.widened() != null && random.nextInt(isKey ? 4 : 2) == 0 && (!isKey || type.sql().endsWith("INT")
                    || type.sql().contains("UNSIGNED"))) {
                clauses.add("MODIFY `" + columns.get(i) + "` " + type.widened()
                        + (type.widened().contains("NULL") ? "" : nullable.get(i) ? " NULL" : " NOT NULL"));
            } else if (!isKey && random.nextInt(6) == 0 && columns.size() - key.size() > 1) {
                clauses.add("DROP COLUMN `" + columns.get(i) + "`");
            } else if (!isKey && random.nextInt(5) == 0 && indexable(type)) {
                clauses.add("ADD INDEX `idx_" + columns.get(i) + "` (`" + columns.get(i) + "`)");
            }
        }
        if (clauses.isEmpty() || random.nextBoolean()) {
            Type added = TYPES.get(random.nextInt(TYPES.size()));
            clauses.add("ADD COLUMN `added` " + added.sql() + (added.sql().contains("NULL") ? "" : " NULL"));
        }
        return String.join(", ", clauses);
    }

    private static boolean indexable(Type type) {
        return !type.sql().contains("TEXT") && !type.sql().contains("BLOB");
    }

    public long seed() {
        return seed;
    }

    public String alter() {
        return alter;
    }

    /** The current (pre-ALTER) column names. */
    public List<String> columns() {
        return List.copyOf(columns);
    }

    public String createTable(String table) {
        List<String> definitions = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String sql = columnTypes.get(i).sql();
            definitions.add("`" + columns.get(i) + "` " + sql + (sql.contains("NULL") ? "" : nullable.get(i) ? " NULL" : " NOT NULL"));
        }
        definitions.add("PRIMARY KEY (" + key.stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")) + ")");
        return "CREATE TABLE `" + table + "` (" + String.join(", ", definitions) + ")";
    }

    /** One random write, with {@code %s} for the table name, the same statement for both tables. */
    public String randomWrite(RandomGenerator random) {
        int kind = random.nextInt(10);
        if (kind < 4) {
            return "INSERT IGNORE INTO %s (" + columns.stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "))
                    + ") VALUES (" + randomValues(random, columns.size()) + ")";
        }
        String where = " WHERE " + keyCondition(random);
        if (kind < 8) {
            int column = key.size() + random.nextInt(columns.size() - key.size());
            if (random.nextInt(5) == 0) {
                column = random.nextInt(key.size()); // moves the row to another key
            }
            return "UPDATE IGNORE %s SET `" + columns.get(column) + "` = " + value(random, column) + where;
        }
        return "DELETE FROM %s" + where;
    }

    /** A key condition that matches an existing row about as often as not: a range on the first key column. */
    private String keyCondition(RandomGenerator random) {
        String first = "`" + key.get(0) + "`";
        String from = value(random, 0);
        return first + " >= " + from + " ORDER BY " + key.stream().map(k -> "`" + k + "`").collect(Collectors.joining(", "))
                + " LIMIT 1";
    }

    public String randomValues(RandomGenerator random, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(value(random, i));
        }
        return String.join(", ", values);
    }

    private String value(RandomGenerator random, int column) {
        if (nullable.get(column) && random.nextInt(6) == 0) {
            return "NULL";
        }
        return columnTypes.get(column).literal().apply(random);
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + createTable("t") + "; ALTER TABLE t " + alter;
    }

    private static String text(RandomGenerator random, String alphabet, int maxLength) {
        int[] letters = alphabet.codePoints().toArray();
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(letters[random.nextInt(letters.length)]);
        }
        if (random.nextInt(4) == 0 && text.length() > 0 && text.length() < maxLength) {
            text.append(' '); // trailing spaces: CHAR drops them, VARCHAR keeps them
        }
        return "'" + text.toString().replace("'", "''") + "'";
    }

    private static String bytes(RandomGenerator random) {
        byte[] data = new byte[random.nextInt(40)];
        random.nextBytes(data);
        StringBuilder hex = new StringBuilder("X'");
        for (byte b : data) {
            hex.append(String.format("%02x", b));
        }
        return data.length == 0 ? "''" : hex.append("'").toString();
    }

    private static String date(RandomGenerator random) {
        return (1000 + random.nextInt(9000)) + "-" + two(1 + random.nextInt(12)) + "-" + two(1 + random.nextInt(28));
    }

    private static String clock(RandomGenerator random) {
        return two(random.nextInt(24)) + ":" + two(random.nextInt(60)) + ":" + two(random.nextInt(60));
    }

    private static String two(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }
}
