package dev.umbra.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A weekly window in which the cut-over may run, e.g. Mon-Fri 01:00-05:00 Europe/Berlin. */
public class CutOverWindowSpec {

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Days the window opens on: names or ranges, e.g. [Mon-Fri] or [Sat, Sun].")
    private List<String> days;

    @Required
    @Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$")
    @JsonPropertyDescription("When the window opens, HH:MM in timeZone.")
    private String start;

    @Required
    @Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$")
    @JsonPropertyDescription("When the window closes, HH:MM in timeZone; not after start means the next day (22:00-02:00).")
    private String end;

    @Required
    @Size(min = 1, max = 64)
    @JsonPropertyDescription("An IANA time zone, e.g. Europe/Berlin or UTC; the window follows its daylight saving.")
    private String timeZone;

    public List<String> getDays() {
        return days;
    }

    public void setDays(List<String> days) {
        this.days = days;
    }

    public String getStart() {
        return start;
    }

    public void setStart(String start) {
        this.start = start;
    }

    public String getEnd() {
        return end;
    }

    public void setEnd(String end) {
        this.end = end;
    }

    public String getTimeZone() {
        return timeZone;
    }

    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }
}
