package dev.umbra.benchmark;

import dev.umbra.engine.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.SplittableRandom;

/**
 * The benchmark's table, as the issue describes it: {@code id BIGINT AUTO_INCREMENT PRIMARY KEY,
 * a VARCHAR(64), b INT, c DATETIME, d VARCHAR(255)} with about 200 characters in {@code d}, and
 * {@code KEY(b)}. One source table is loaded per server; every case works on its own server-side
 * copy of it, so that each starts from the same rows.
 */
final class BenchmarkTable {

    /** The columns the original and the migrated table share, in order. */
    static final String COLUMNS = "id, a, b, c, d";

    private static final String DEFINITION = " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, a VARCHAR(64) NOT NULL,"
            + " b INT NOT NULL, c DATETIME NOT NULL, d VARCHAR(255) NOT NULL, KEY k_b (b)) ENGINE=InnoDB";
    private static final int ROWS_PER_BATCH = 1_000;
    private static final int BATCHES_PER_COMMIT = 5;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
    private static final LocalDateTime EPOCH = LocalDateTime.of(2020, 1, 1, 0, 0);

    private BenchmarkTable() {
    }

    static void create(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + Sql.quote(table) + DEFINITION);
        }
    }

    /**
     * Loads {@code rows} rows with ids 1..rows. {@code connection} should have
     * {@code rewriteBatchedStatements=true}, so that each batch is one multi-row INSERT.
     */
    static void load(Connection connection, String table, long rows) throws SQLException {
        SplittableRandom random = new SplittableRandom(42);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + Sql.quote(table) + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
            for (long id = 1; id <= rows; id++) {
                insert.setLong(1, id);
                bindValues(insert, 2, random);
                insert.addBatch();
                if (id % ROWS_PER_BATCH == 0) {
                    insert.executeBatch();
                    if (id % (ROWS_PER_BATCH * BATCHES_PER_COMMIT) == 0) {
                        connection.commit();
                    }
                }
            }
            insert.executeBatch();
            connection.commit();
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** A new table {@code copy} with the definition and rows of {@code source}, copied by the server. */
    static void copy(Connection connection, String source, String copy) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + Sql.quote(copy));
            statement.execute("CREATE TABLE " + Sql.quote(copy) + " LIKE " + Sql.quote(source));
            statement.execute("INSERT INTO " + Sql.quote(copy) + " SELECT * FROM " + Sql.quote(source));
        }
    }

    static void drop(Connection connection, String... tables) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String table : tables) {
                statement.execute("DROP TABLE IF EXISTS " + Sql.quote(table));
            }
        }
    }

    /** Binds a, b, c and d from {@code index} on. */
    static void bindValues(PreparedStatement statement, int index, SplittableRandom random) throws SQLException {
        statement.setString(index, text(random, 16 + random.nextInt(48)));
        statement.setInt(index + 1, random.nextInt(100_000));
        statement.setObject(index + 2, EPOCH.plusSeconds(random.nextInt(200_000_000)));
        statement.setString(index + 3, text(random, 190 + random.nextInt(21)));
    }

    private static String text(SplittableRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(chars);
    }
}
