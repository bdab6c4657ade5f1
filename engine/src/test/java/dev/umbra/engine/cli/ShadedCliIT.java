package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The runnable CLI jar as users run it ({@code java -jar engine/target/umbra.jar}): everything it
 * needs is inside (the parser's MySQL grammar, the binlog client, the session pool), and what it
 * never uses is not (Debezium's Oracle and MariaDB grammars, about half the parser's classes).
 */
class ShadedCliIT {

    private static final Path JAR = Path.of(System.getProperty("umbra.cli.jar", "target/umbra.jar"));

    @Test
    void theJarHoldsTheMySqlGrammarAndNoneOfTheOthers() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("io/debezium/ddl/parser/mysql/generated/MySqlParser.class");
            assertThat(names).noneMatch(name -> name.startsWith("io/debezium/ddl/parser/oracle/"));
            assertThat(names).noneMatch(name -> name.startsWith("io/debezium/ddl/parser/mariadb/"));
        }
    }

    @EveryFlavor
    void aLoggingConfigurationFileTheUserNamesWinsOverTheClisOwn(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE orders (id INT PRIMARY KEY)");
        Path configuration = Files.createTempFile("umbra-logback", ".xml");
        Files.writeString(configuration, "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>USER-PATTERN %logger{0} %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>");

        Run dryRun = run(db, List.of("-Dlogback.configurationFile=" + configuration), "--alter", "ADD COLUMN status TINYINT");
        Files.delete(configuration);

        assertThat(dryRun.ended()).isTrue();
        assertThat(dryRun.exitCode()).as("a dry run; output:%n%s", dryRun.printed()).isZero();
        assertThat(dryRun.printed()).contains("USER-PATTERN MigrationRunner Inspecting");
    }

    @EveryFlavor
    void theJarMigratesATableUnderItsOwnSteam(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL)",
                "INSERT INTO orders VALUES (1, 'one'), (2, 'two'), (3, 'three')");

        Run cli = run(db, List.of(), "--alter", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1", "--no-instant-ddl", "--execute");
        String printed = cli.printed();

        assertThat(cli.ended()).as("the CLI ended within 3 minutes:%n%s", printed).isTrue();
        assertThat(cli.exitCode()).as("exit code; output:%n%s", printed).isZero();
        assertThat(printed).doesNotContain(db.password());
        assertThat(printed).as("the CLI's own log lines (set up in code, cli/CliLogging)")
                .containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d INFO  MigrationRunner: ")
                .doesNotContainPattern("INFO .*Hikari");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, note, status FROM orders ORDER BY id")) {
            StringBuilder table = new StringBuilder();
            while (rows.next()) {
                table.append(rows.getInt(1)).append(' ').append(rows.getString(2)).append(' ').append(rows.getInt(3)).append('\n');
            }
            assertThat(table.toString()).isEqualTo("1 one 1\n2 two 1\n3 three 1\n");
        }
    }

    private record Run(boolean ended, int exitCode, String printed) {
    }

    /** {@code java [jvmFlags] -jar umbra.jar migrate} on the table {@code orders}, as a user runs it. */
    private static Run run(TestDatabase db, List<String> jvmFlags, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", JAR.toString(), "migrate", "--host", db.host(), "--port", Integer.toString(db.port()),
                "--user", db.user(), "--database", db.schema(), "--table", "orders"));
        command.addAll(List.of(flags));
        Path output = Files.createTempFile("umbra-cli", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("UMBRA_PASSWORD", db.password());
        Process cli = builder.start();
        boolean ended = cli.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            cli.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        return new Run(ended, ended ? cli.exitValue() : -1, printed);
    }
}
