package dev.umbra.engine.table;

import java.util.regex.Pattern;

/**
 * The time zone in which a value moves between TIMESTAMP and DATETIME, as a native {@code ALTER
 * TABLE} run in that zone moves it. Umbra's sessions run in UTC (so TIMESTAMP values and keys are
 * read and bound exactly, with no daylight-saving fold), so a TIMESTAMP read by them is UTC wall
 * time; stored into a DATETIME column it must become wall time in this zone, and a DATETIME must be
 * read as wall time in this zone before it becomes a TIMESTAMP.
 *
 * @param name the zone as the server names it: {@code SYSTEM}, an offset such as {@code +02:00}, or a
 *             named zone from the server's time zone tables
 */
public record TemporalZone(String name) {

    private static final Pattern ZONE = Pattern.compile("SYSTEM|[+-]\\d{1,2}:\\d{2}|[A-Za-z][A-Za-z0-9_/+\\-]{0,63}");

    public static final TemporalZone UTC = new TemporalZone("+00:00");

    public TemporalZone {
        // It is spliced into SQL as a literal, so only what a server's zone name can look like passes.
        if (name == null || !ZONE.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a time zone name or offset");
        }
    }

    /** Whether a value of {@code from} stored into {@code to} crosses between TIMESTAMP and DATETIME. */
    public static boolean shifts(Column from, Column to) {
        String source = from.dataType();
        String target = to.dataType();
        return "timestamp".equals(source) && "datetime".equals(target) || "datetime".equals(source) && "timestamp".equals(target);
    }

    /**
     * {@code expression} (a value of {@code from}, read in a UTC session) as a UTC session must
     * write it into {@code to}. A value CONVERT_TZ cannot convert (a zero date, a DATETIME outside
     * TIMESTAMP's range) is left as it is, which is what the server's own conversion stores or refuses.
     */
    public String storedAs(Column from, Column to, String expression) {
        if (!shifts(from, to) || UTC.equals(this)) {
            return expression;
        }
        if (expression.contains("?")) {
            // A bound value is named once, so that it is bound once: through a one-row derived table.
            return "(SELECT " + shifted(from, "umbra_value") + " FROM (SELECT " + expression + " AS umbra_value) AS umbra_zone)";
        }
        return shifted(from, expression);
    }

    private String shifted(Column from, String value) {
        String zone = "'" + name + "'";
        if ("timestamp".equals(from.dataType())) {
            return "COALESCE(CONVERT_TZ(" + value + ", '+00:00', " + zone + "), " + value + ")";
        }
        // A wall time the zone skips (the hour lost to daylight saving) is no instant at all: the
        // server's own ALTER refuses it, so it becomes text the TIMESTAMP column refuses, naming it.
        String instant = "CONVERT_TZ(" + value + ", " + zone + ", '+00:00')";
        return "CASE WHEN " + instant + " IS NULL THEN " + value
                + " WHEN CONVERT_TZ(" + instant + ", '+00:00', " + zone + ") <=> " + value + " THEN " + instant
                + " ELSE CONCAT('umbra: ', " + value + ", ' does not exist in the time zone ', " + zone + ") END";
    }
}
