package dev.umbra.operator.reconcile;

import static dev.umbra.operator.reconcile.ApprovalLifecycleTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.Approval;
import dev.umbra.operator.model.CutOverWindowSpec;
import dev.umbra.operator.model.MigrationPhase;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SchemaMigrationStatus;
import dev.umbra.operator.status.Conditions;
import dev.umbra.operator.testing.OperatorHarness;
import dev.umbra.operator.testing.Tables;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.SampleTable;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spec.cutOver.windows and notBefore: an approved migration outside its window keeps catching up
 * in AwaitingCutOver and says in status.waitingFor which window it waits for and when it opens; a
 * window or time that cannot be read fails the resource as InvalidSpec, naming the field.
 */
class CutOverWindowsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final OperatorHarness harness = OperatorHarness.perTestClass();

    @EveryFlavor
    void outsideItsWindowAnApprovedMigrationWaitsAndSaysWhenTheWindowOpens(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 500);
        String namespace = harness.namespaceFor(db);
        LocalTime opens = LocalTime.now(ZoneOffset.UTC).plusHours(3).truncatedTo(ChronoUnit.MINUTES);
        SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1");
        spec.getCutOver().setApproval(Approval.AUTOMATIC);
        spec.getCutOver().setWindows(List.of(window(List.of("Mon-Sun"), opens.toString(), opens.plusHours(2).toString(), "UTC")));
        harness.apply(namespace, "items-windowed", spec, Map.of());

        SchemaMigrationStatus waiting = harness.awaitStatus(namespace, "items-windowed",
                status -> status.getWaitingFor() != null, "waitingFor", TIMEOUT);

        assertThat(waiting.getPhase()).isEqualTo(MigrationPhase.AWAITING_CUT_OVER);
        assertThat(waiting.getWaitingFor()).startsWith("cut-over window Mon-Sun " + opens + "-" + opens.plusHours(2) + " UTC (next opens in ");
        assertThat(waiting.getStage()).startsWith("waiting for cut-over window");
        assertThat(Tables.createStatement(db, "items")).doesNotContain("`status`");
    }

    @Test
    void windowsAndTimesThatCannotBeReadFailAsInvalidSpecNamingTheField() throws Exception {
        try (TestDatabase db = new TestDatabase(dev.umbra.testkit.Flavor.selected().get(0))) {
            SampleTable.create(db::connect, "items", 10);
            String namespace = harness.namespaceFor(db);
            String[][] cases = {
                    {"zone", "spec.cutOver.windows[0]: Unknown time-zone ID: Mars/Olympus"},
                    {"days", "spec.cutOver.windows[0]: 'Mo-Fr': 'Mo' is not a day of the week"},
                    {"not-before", "spec.cutOver.notBefore: 'tomorrow' is not an RFC 3339 time"},
            };
            for (String[] failing : cases) {
                SchemaMigrationSpec spec = OperatorHarness.spec(db, "items", "ADD COLUMN status TINYINT");
                switch (failing[0]) {
                    case "zone" -> spec.getCutOver().setWindows(List.of(window(List.of("Mon"), "01:00", "02:00", "Mars/Olympus")));
                    case "days" -> spec.getCutOver().setWindows(List.of(window(List.of("Mo-Fr"), "01:00", "02:00", "UTC")));
                    default -> spec.getCutOver().setNotBefore("tomorrow");
                }
                harness.apply(namespace, "bad-" + failing[0], spec, Map.of());
                SchemaMigrationStatus failed = harness.awaitPhase(namespace, "bad-" + failing[0], MigrationPhase.FAILED, TIMEOUT);
                assertThat(condition(failed, Conditions.READY).getReason()).isEqualTo("InvalidSpec");
                assertThat(failed.getMessage()).contains(failing[1]);
            }
            assertThat(Tables.names(db)).doesNotContain("_items_gho");
        }
    }

    private static CutOverWindowSpec window(List<String> days, String start, String end, String zone) {
        CutOverWindowSpec window = new CutOverWindowSpec();
        window.setDays(days);
        window.setStart(start);
        window.setEnd(end);
        window.setTimeZone(zone);
        return window;
    }
}
