package dev.umbra.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.umbra.testkit.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import picocli.CommandLine;

/** Runs {@code umbra} in-process, as the tests need it, and the small tables they migrate. */
final class UmbraCommand {

    static final List<String> COLUMNS = List.of("id", "name", "qty");
    private static final ObjectMapper JSON = new ObjectMapper();

    private UmbraCommand() {
    }

    /** What one run printed, and its exit code. */
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs with an empty environment. */
    static Result run(String... args) {
        return run(name -> null, args);
    }

    static Result run(UnaryOperator<String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new UmbraCli(environment));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** {@code migrate} with the connection flags for this database (password included) and {@code more}. */
    static String[] migrate(TestDatabase db, String table, String alter, String... more) {
        List<String> args = new ArrayList<>(connection(db));
        args.addAll(List.of("--password", db.password(), "--table", table, "--alter", alter));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    /**
     * {@code migrate} and the connection flags for this database, without the password, and
     * {@code --no-instant-ddl}: the CLI tests are about the online path, which an ALTER the server can
     * do instantly would otherwise skip (CliInstantDdlTest covers the default).
     */
    static List<String> connection(TestDatabase db) {
        return List.of("migrate", "--host", db.host(), "--port", Integer.toString(db.port()), "--user", db.user(),
                "--database", db.schema(), "--no-instant-ddl");
    }

    /** {@code t (id, name, qty)} with {@code rows} rows. */
    static void createTable(TestDatabase db, int rows) throws SQLException {
        db.execute("CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT)");
        try (Connection connection = db.connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t (name, qty) VALUES (?, ?)")) {
            connection.setAutoCommit(false);
            for (int i = 1; i <= rows; i++) {
                insert.setString(1, "name-" + i);
                if (i % 7 == 0) {
                    insert.setNull(2, java.sql.Types.INTEGER);
                } else {
                    insert.setInt(2, i * 3);
                }
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(Files.readString(file));
    }

    /** Polls the status file until it matches, or fails after {@code timeout}. */
    static JsonNode awaitStatus(Path file, Duration timeout, Predicate<JsonNode> condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(file)) {
                last = readJson(file);
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the status file never matched within " + timeout + "; last: " + last);
    }
}
