package dev.umbra.engine.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemporalZoneTest {

    private static final Column TIMESTAMP = new Column("ts", 1, "timestamp", "timestamp(3)", null, null, true, false, "");
    private static final Column DATETIME = new Column("ts", 1, "datetime", "datetime(3)", null, null, true, false, "");
    private static final Column DATE = new Column("ts", 1, "date", "date", null, null, true, false, "");

    @ParameterizedTest
    @ValueSource(strings = {"SYSTEM", "+02:00", "-05:30", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC"})
    void acceptsWhatServersNameZones(String name) {
        assertThat(new TemporalZone(name).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Europe/Berlin'; DROP TABLE t; --", "a b", "+02:00'", "Zone_name_far_longer_than_sixty_four_characters_is_not_a_time_zone_at_all_x"})
    void refusesAnythingElseSinceItBecomesASqlLiteral(String name) {
        assertThatThrownBy(() -> new TemporalZone(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTimestampDatetimeMovesShiftAndABoundValueIsNamedOnce() {
        TemporalZone berlin = new TemporalZone("SYSTEM");
        assertThat(berlin.storedAs(TIMESTAMP, TIMESTAMP, "`ts`")).isEqualTo("`ts`");
        assertThat(berlin.storedAs(DATE, DATETIME, "`ts`")).isEqualTo("`ts`");
        assertThat(TemporalZone.UTC.storedAs(TIMESTAMP, DATETIME, "`ts`")).isEqualTo("`ts`");
        assertThat(berlin.storedAs(TIMESTAMP, DATETIME, "`ts`")).contains("CONVERT_TZ(`ts`, '+00:00', 'SYSTEM')");
        assertThat(berlin.storedAs(DATETIME, TIMESTAMP, "`ts`")).contains("CONVERT_TZ(`ts`, 'SYSTEM', '+00:00')");
        for (String expression : new String[] {berlin.storedAs(TIMESTAMP, DATETIME, "?"), berlin.storedAs(DATETIME, TIMESTAMP, "?")}) {
            assertThat(expression.chars().filter(c -> c == '?').count()).as(expression).isEqualTo(1);
        }
    }
}
