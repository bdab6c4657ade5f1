package dev.umbra.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import java.io.PrintStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The benchmark's figures are only worth something if its correctness verdict is: it must report
 * rows that differ, are missing or are extra, and a missing added column. And a small run of every
 * case must end with correct tables. No timing is asserted.
 */
class BenchmarkTest {

    private static final int ROWS = 2_000;

    @EveryFlavor
    void verdictReportsEveryKindOfTamperedRow(TestDatabase db) throws SQLException {
        try (Connection connection = db.connect()) {
            BenchmarkTable.create(connection, "source");
            BenchmarkTable.load(connection, "source", ROWS);
            BenchmarkTable.copy(connection, "source", "migrated");
            db.execute("ALTER TABLE migrated ADD COLUMN e INT NOT NULL DEFAULT 0");
            assertThat(MirrorVerdict.compare(db::connect, "migrated", "source", "e", "0").correct()).isTrue();

            db.execute("UPDATE migrated SET d = CONCAT(d, '!') WHERE id = 17",
                    "DELETE FROM migrated WHERE id = 1000",
                    "INSERT INTO migrated (id, a, b, c, d) VALUES (99999, 'x', 1, NOW(), 'y')",
                    "UPDATE migrated SET e = 5 WHERE id = 3");
            MirrorVerdict tampered = MirrorVerdict.compare(db::connect, "migrated", "source", "e", "0");

            assertThat(tampered.correct()).isFalse();
            assertThat(tampered.differing()).isEqualTo(1);
            assertThat(tampered.missing()).isEqualTo(1);
            assertThat(tampered.extra()).isEqualTo(1);
            assertThat(tampered.wrongAdded()).isEqualTo(1);
            assertThat(tampered.sampleIds()).containsExactlyInAnyOrder(17L, 1000L, 99999L, 3L);
            assertThat(tampered.describe()).startsWith("MISMATCH: 1 differ, 1 missing, 1 extra, 1 without the added column's default");

            MirrorVerdict unaltered = MirrorVerdict.compare(db::connect, "source", "source", "e", "0");
            assertThat(unaltered.correct()).isFalse();
            assertThat(unaltered.describe()).contains("the added column is missing");
        }
    }

    @EveryFlavor
    void everyCaseOfASmallRunEndsWithTheControlTablesRows(TestDatabase db) throws Exception {
        BenchmarkSettings settings = new BenchmarkSettings(ROWS, 200, 2, 4, List.of(BenchmarkCase.values()), 0,
                java.time.Duration.ofMinutes(5));
        List<CaseResult> results = new BenchmarkRun(db.server(), db.schema(), settings, new PrintStream(OutputStream.nullOutputStream()))
                .run();

        assertThat(results).extracting(CaseResult::benchmarkCase).containsExactly(BenchmarkCase.values());
        for (CaseResult result : results) {
            assertThat(result.verdict().correct()).as(result.benchmarkCase() + ": " + result.verdict().describe()).isTrue();
            assertThat(result.rows()).isEqualTo(ROWS);
        }
        for (CaseResult writing : results.stream().filter(result -> List.of(BenchmarkCase.STEADY_WRITER,
                BenchmarkCase.FLAT_OUT_WRITER, BenchmarkCase.FLAT_OUT_ONE_APPLY_SESSION).contains(result.benchmarkCase())).toList()) {
            assertThat(writing.writerOpsPerSecond()).get().matches(ops -> ops > 0, "writer made progress");
            assertThat(writing.path()).isEqualTo("online copy");
        }
        String instantPath = db.flavor() == Flavor.MYSQL_5_7 ? "online copy" : "instant";
        assertThat(results.stream().filter(result -> result.benchmarkCase() == BenchmarkCase.INSTANT).findFirst().orElseThrow()
                .path()).isEqualTo(instantPath);
        CaseResult cliStart = results.stream().filter(result -> result.benchmarkCase() == BenchmarkCase.CLI_START)
                .findFirst().orElseThrow();
        assertThat(cliStart.path()).isEqualTo("CLI dry run");
        assertThat(cliStart.wall()).as("a new JVM's start and inspection").isPositive();
        assertThat(cliStart.notes()).singleElement().asString()
                .matches("each run .*: through umbra \\(median in the table\\) \\d+\\.\\d\\d s, \\d+\\.\\d\\d s, \\d+\\.\\d\\d s;"
                        + " plain `java -jar` \\d+\\.\\d\\d s, \\d+\\.\\d\\d s, \\d+\\.\\d\\d s, median \\d+\\.\\d\\d s \\(\\d+\\.\\d\\d× the launcher's\\);"
                        + " the launcher's first run, which recorded the class-data-sharing archive, \\d+\\.\\d\\d s");
        assertThat(results.stream().filter(result -> result.benchmarkCase() == BenchmarkCase.IDLE).findFirst().orElseThrow().notes())
                .anyMatch(note -> note.startsWith("checksum: "));
        assertThat(results.stream().filter(result -> result.benchmarkCase() == BenchmarkCase.IDLE_WITHOUT_CHECKSUM).findFirst()
                .orElseThrow().notes()).noneMatch(note -> note.startsWith("checksum: "));
        CaseResult ptOsc = results.stream().filter(result -> result.benchmarkCase() == BenchmarkCase.PT_OSC).findFirst().orElseThrow();
        assertThat(ptOsc.path()).as("the tool's own version").matches("triggers \\(pt-online-schema-change \\d+\\.\\d+\\.\\d+\\)");
        assertThat(ResultTable.idleAgainstPtOsc(results)).get().asString()
                .startsWith("Umbra idle (b) against pt-online-schema-change idle (k): ").contains("without its checksum (n)");
        assertThat(ResultTable.markdown(results)).contains("| (a) native").contains("| (d) Umbra").contains("| (k) pt-online")
                .contains("× (a)");
        assertThat(db.server().connect(db.schema()).createStatement().executeQuery("SHOW TABLES").next())
                .as("every table dropped").isFalse();
    }

    @EveryFlavor
    void aCaseStillRunningAtTheLimitIsAbortedAndReportedAsNotFinished(TestDatabase db) throws Exception {
        BenchmarkSettings settings = new BenchmarkSettings(ROWS, 200, 2, 4, List.of(BenchmarkCase.IDLE), 0,
                java.time.Duration.ofMillis(1));
        List<CaseResult> results = new BenchmarkRun(db.server(), db.schema(), settings, new PrintStream(OutputStream.nullOutputStream()))
                .run();

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.path()).contains("did not finish");
            assertThat(result.verdict().correct()).as("the original table is untouched").isTrue();
        });
        assertThat(ResultTable.markdown(results)).contains("did not finish");
    }
}
