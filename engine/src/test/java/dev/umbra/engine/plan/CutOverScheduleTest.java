package dev.umbra.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cut-over windows against a fixed clock: each case is an instant and what the schedule says then. */
class CutOverScheduleTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Duration LOCK = Duration.ofSeconds(3);
    private static final CutOverWindow WEEKDAY_NIGHTS = new CutOverWindow(CutOverWindow.parseDays(List.of("Mon-Fri")),
            LocalTime.of(1, 0), LocalTime.of(5, 0), BERLIN);
    private static final CutOverSchedule NIGHTS = new CutOverSchedule(List.of(WEEKDAY_NIGHTS), Optional.empty());

    @Test
    void insideTheWindowAnAttemptMayStart() {
        // Tuesday 2026-12-01 02:00 in Berlin (CET, UTC+1)
        assertThat(NIGHTS.closed(Instant.parse("2026-12-01T01:00:00Z"), LOCK)).isEmpty();
        assertThat(NIGHTS.closed(Instant.parse("2026-12-01T00:00:00Z"), LOCK)).as("01:00 sharp").isEmpty();
    }

    @Test
    void outsideItSaysWhichWindowAndWhenItOpens() {
        // Tuesday 2026-12-01 21:48 in Berlin: opens Wednesday 01:00, in 3h12m
        assertThat(NIGHTS.closed(Instant.parse("2026-12-01T20:48:00Z"), LOCK))
                .contains("cut-over window Mon-Fri 01:00-05:00 Europe/Berlin (next opens in 3h12m)");
        // Friday 2026-12-04 06:00: next is Monday 01:00
        assertThat(NIGHTS.closed(Instant.parse("2026-12-04T05:00:00Z"), LOCK)).get().asString().contains("next opens in 2d19h0m");
    }

    @Test
    void anAttemptNeverStartsSoLateThatItsLockCouldOutlastTheWindow() {
        // 04:59:58 Berlin: a 3 s lock would end after 05:00
        assertThat(NIGHTS.closed(Instant.parse("2026-12-01T03:59:58Z"), LOCK)).isPresent();
        assertThat(NIGHTS.closed(Instant.parse("2026-12-01T03:59:56Z"), LOCK)).isEmpty();
    }

    @Test
    void theWindowFollowsTheZonesClocksAcrossDaylightSaving() {
        // Monday 2026-03-30 is CEST (UTC+2): 01:30 Berlin is 23:30 UTC the day before
        assertThat(NIGHTS.closed(Instant.parse("2026-03-29T23:30:00Z"), LOCK)).isEmpty();
        assertThat(NIGHTS.closed(Instant.parse("2026-03-29T22:30:00Z"), LOCK)).isPresent();
    }

    @Test
    void aWindowPastMidnightBelongsToTheDayItOpens() {
        CutOverSchedule saturdayNight = new CutOverSchedule(List.of(new CutOverWindow(EnumSet.of(DayOfWeek.SATURDAY),
                LocalTime.of(22, 0), LocalTime.of(2, 0), ZoneId.of("UTC"))), Optional.empty());
        assertThat(saturdayNight.closed(Instant.parse("2026-12-05T23:00:00Z"), LOCK)).as("Saturday 23:00").isEmpty();
        assertThat(saturdayNight.closed(Instant.parse("2026-12-06T01:30:00Z"), LOCK)).as("Sunday 01:30").isEmpty();
        assertThat(saturdayNight.closed(Instant.parse("2026-12-06T23:00:00Z"), LOCK)).as("Sunday 23:00").isPresent();
    }

    @Test
    void notBeforeHoldsEvenInsideAWindow() {
        CutOverSchedule later = new CutOverSchedule(List.of(WEEKDAY_NIGHTS), Optional.of(Instant.parse("2026-12-08T00:00:00Z")));
        assertThat(later.closed(Instant.parse("2026-12-01T01:00:00Z"), LOCK)).get().asString()
                .startsWith("cut-over not before 2026-12-08T00:00:00Z (in 6d23h0m)");
        assertThat(later.closed(Instant.parse("2026-12-08T01:00:00Z"), LOCK)).isEmpty();
        assertThat(CutOverSchedule.anyTime().closed(Instant.parse("2026-12-01T12:00:00Z"), LOCK)).isEmpty();
    }

    @Test
    void daysAreReadAsUsersWriteThem() {
        assertThat(CutOverWindow.parseDays(List.of("Fri-Mon"))).containsExactlyInAnyOrder(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY,
                DayOfWeek.SUNDAY, DayOfWeek.MONDAY);
        assertThat(CutOverWindow.parseDays(List.of("monday", "Wed"))).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY);
        assertThat(new CutOverWindow(CutOverWindow.parseDays(List.of("Sat", "Mon-Wed")), LocalTime.of(1, 0), LocalTime.of(2, 0),
                BERLIN).toString()).isEqualTo("Mon-Wed,Sat 01:00-02:00 Europe/Berlin");
        assertThatThrownBy(() -> CutOverWindow.parseDays(List.of("Mo-Fr"))).hasMessageContaining("'Mo' is not a day of the week");
        assertThatThrownBy(() -> new CutOverWindow(EnumSet.of(DayOfWeek.MONDAY), LocalTime.NOON, LocalTime.NOON, BERLIN))
                .hasMessageContaining("give a window that lasts");
    }
}
