package dev.umbra.engine.plan;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A weekly time of day in which the cut-over may run, in a named time zone: {@code Mon-Fri
 * 01:00-05:00 Europe/Berlin}. A window whose end is not after its start runs past midnight into the
 * next day ({@code Sat 22:00-02:00}: Saturday night); it belongs to the day it opens. Daylight
 * saving moves a window with the zone's clocks, as a person in that zone would expect.
 */
public record CutOverWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {

    private static final List<String> DAY_NAMES = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    public CutOverWindow {
        if (days == null || days.isEmpty()) {
            throw new IllegalArgumentException("a cut-over window needs at least one day");
        }
        days = Set.copyOf(days);
        if (start == null || end == null || zone == null) {
            throw new IllegalArgumentException("a cut-over window needs a start, an end and a time zone");
        }
        if (start.equals(end)) {
            throw new IllegalArgumentException("a cut-over window's start and end are both " + start + "; give a window that lasts");
        }
    }

    /**
     * Days as users write them: {@code Mon}, {@code Mon-Fri}, {@code Sat-Sun}, {@code Fri-Mon} (a
     * range wraps over the weekend), case-insensitive, also full names ({@code monday}).
     */
    public static Set<DayOfWeek> parseDays(List<String> entries) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String entry : entries) {
            String[] range = entry.strip().split("-", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("'" + entry + "' is not a day or a range of days such as Mon-Fri");
            }
            DayOfWeek first = day(range[0], entry);
            DayOfWeek last = range.length == 2 ? day(range[1], entry) : first;
            for (DayOfWeek day = first; ; day = day.plus(1)) {
                days.add(day);
                if (day == last) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String text, String entry) {
        String name = text.strip().toLowerCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            String full = day.getDisplayName(TextStyle.FULL, Locale.ENGLISH).toLowerCase(Locale.ROOT);
            if (name.length() >= 3 && full.startsWith(name)) {
                return day;
            }
        }
        throw new IllegalArgumentException("'" + entry + "': '" + text.strip() + "' is not a day of the week (Mon, Tue, ... Sun)");
    }

    /** The occurrence of this window that contains {@code now}, if one does. */
    Optional<Occurrence> containing(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        for (LocalDate opening = today.minusDays(1); !opening.isAfter(today); opening = opening.plusDays(1)) {
            Optional<Occurrence> occurrence = occurrenceOn(opening);
            if (occurrence.isPresent() && !now.isBefore(occurrence.get().opens()) && now.isBefore(occurrence.get().closes())) {
                return occurrence;
            }
        }
        return Optional.empty();
    }

    /** The first occurrence that opens after {@code now}. */
    Occurrence next(Instant now) {
        LocalDate day = now.atZone(zone).toLocalDate();
        for (int i = 0; i <= 8; i++) {
            Optional<Occurrence> occurrence = occurrenceOn(day.plusDays(i));
            if (occurrence.isPresent() && occurrence.get().opens().isAfter(now)) {
                return occurrence.get();
            }
        }
        throw new IllegalStateException("a weekly window always opens within eight days");
    }

    private Optional<Occurrence> occurrenceOn(LocalDate opening) {
        if (!days.contains(opening.getDayOfWeek())) {
            return Optional.empty();
        }
        LocalDate closing = end.isAfter(start) ? opening : opening.plusDays(1);
        return Optional.of(new Occurrence(ZonedDateTime.of(opening, start, zone).toInstant(),
                ZonedDateTime.of(closing, end, zone).toInstant()));
    }

    /** One opening of the window, from {@code opens} (inclusive) to {@code closes} (exclusive). */
    record Occurrence(Instant opens, Instant closes) {
    }

    @Override
    public String toString() {
        return describeDays() + " " + start + "-" + end + " " + zone.getId();
    }

    private String describeDays() {
        StringBuilder text = new StringBuilder();
        DayOfWeek[] all = DayOfWeek.values();
        for (int i = 0; i < all.length; ) {
            if (!days.contains(all[i])) {
                i++;
                continue;
            }
            int last = i;
            while (last + 1 < all.length && days.contains(all[last + 1])) {
                last++;
            }
            text.append(text.length() > 0 ? "," : "").append(DAY_NAMES.get(i));
            if (last > i) {
                text.append(last == i + 1 ? "," : "-").append(DAY_NAMES.get(last));
            }
            i = last + 1;
        }
        return text.toString();
    }
}
