package dev.umbra.engine.binlog;

import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;

/**
 * Turns the TIMESTAMP and YEAR values of a row image (TIMESTAMP as microsecond longs, see
 * {@link BinlogDeserializer}; DATE, TIME and DATETIME come exactly as {@link ExactTemporal}) back
 * into MySQL literal text such as {@code 2024-03-10 12:34:56.789012}. Text, not
 * {@code java.sql} types, so that neither the JVM's default zone nor the driver's zone handling can
 * shift a value on its way to the server.
 *
 * <p>The library computes dates before 1582-10-15 with a {@link GregorianCalendar} in GMT, i.e. in
 * the Julian calendar, and later dates proleptically Gregorian; the same calendar is used here to
 * get the original fields back.
 */
final class TemporalText {

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
    private static final String ZERO_DATETIME = "0000-00-00 00:00:00";

    private TemporalText() {
    }

    /** A wall-clock value that the library encoded as if it were UTC. */
    private static String dateTime(long micros, int fractionDigits) {
        if (micros == Long.MIN_VALUE) {
            return ZERO_DATETIME;
        }
        Calendar calendar = calendar(micros);
        return datePart(calendar) + " " + timePart(calendar.get(Calendar.HOUR_OF_DAY), calendar.get(Calendar.MINUTE),
                calendar.get(Calendar.SECOND), Math.floorMod(micros, 1_000_000L), fractionDigits);
    }

    /**
     * TIMESTAMP: the UTC instant, for a session with {@code time_zone = '+00:00'}. The binlog stores
     * the zero timestamp as 0 seconds, which no valid TIMESTAMP has (the range starts one second
     * after the epoch).
     */
    static String timestamp(long micros, int fractionDigits) {
        return micros == 0 ? ZERO_DATETIME : dateTime(micros, fractionDigits);
    }

    /** YEAR: the library adds 1900 to the stored byte, and the stored 0 means the year 0000. */
    static String year(int year) {
        return year == 1900 ? "0000" : Integer.toString(year);
    }

    private static Calendar calendar(long micros) {
        GregorianCalendar calendar = new GregorianCalendar(UTC);
        calendar.clear();
        calendar.setTimeInMillis(Math.floorDiv(micros, 1000L));
        return calendar;
    }

    private static String datePart(Calendar calendar) {
        return ExactTemporal.datePart(calendar.get(Calendar.YEAR), calendar.get(Calendar.MONTH) + 1,
                calendar.get(Calendar.DAY_OF_MONTH));
    }

    private static String timePart(long hours, long minutes, long seconds, long micros, int fractionDigits) {
        return ExactTemporal.timePart(hours, minutes, seconds, micros, fractionDigits);
    }
}
