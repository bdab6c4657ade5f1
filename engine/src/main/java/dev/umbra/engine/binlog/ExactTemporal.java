package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;

/**
 * A DATE, TIME or DATETIME value of a row image, decoded from the stored bytes exactly as the server
 * stores it and held as MySQL literal text ({@code -838:59:59.000000}, {@code 2020-05-00},
 * {@code 0000-01-01 00:00:00}).
 *
 * <p>The binlog library decodes these through a calendar: it reads a negative TIME's bits as a large
 * positive time, gives one mark for every date with a zero month or day, reads year 0 as year 1
 * and moves the days the Gregorian reform skipped. Each of those wrote a different value into the
 * ghost table, or stopped the migration. The server's formats (its {@code my_time.c}): DATE is 3
 * little-endian bytes {@code year << 9 | month << 5 | day}; TIME and DATETIME (before MySQL 5.6.4)
 * are the decimal integers {@code ±HHMMSS} (3 bytes) and {@code YYYYMMDDhhmmss} (8 bytes); TIME2 and
 * DATETIME2 are big-endian packed fields with an offset, followed by 0 to 3 bytes of fraction.
 */
public record ExactTemporal(String text) implements Serializable {

    private static final long TIMEF_INT_OFS = 0x800000L;
    private static final long TIMEF_OFS = 0x800000000000L;
    private static final long DATETIMEF_INT_OFS = 0x8000000000L;

    /** The value of a DATE, TIME, DATETIME, TIME2 or DATETIME2 cell; null for any other type. */
    static ExactTemporal read(ColumnType type, int meta, ByteArrayInputStream in) throws IOException {
        return switch (type) {
            case DATE -> date(in.readInteger(3));
            case TIME -> time(in.readInteger(3));
            case DATETIME -> dateTime(in.readLong(8));
            case TIME_V2 -> timeV2(meta, in);
            case DATETIME_V2 -> dateTimeV2(meta, in);
            default -> null;
        };
    }

    static ExactTemporal date(int stored) {
        return new ExactTemporal(datePart(stored >> 9, (stored >> 5) & 15, stored & 31));
    }

    static ExactTemporal time(int stored) {
        int value = (stored & 0x800000) != 0 ? stored - 0x1000000 : stored; // 3-byte two's complement
        int magnitude = Math.abs(value);
        return new ExactTemporal((value < 0 ? "-" : "") + timePart(magnitude / 10000, magnitude / 100 % 100, magnitude % 100, 0, 0));
    }

    static ExactTemporal dateTime(long stored) {
        long date = stored / 1_000_000L;
        long time = stored % 1_000_000L;
        return new ExactTemporal(datePart(date / 10000, date / 100 % 100, date % 100) + " "
                + timePart(time / 10000, time / 100 % 100, time % 100, 0, 0));
    }

    static ExactTemporal timeV2(int fractionDigits, ByteArrayInputStream in) throws IOException {
        long packed;
        long intPart = bigEndian(in.read(3)) - TIMEF_INT_OFS;
        switch (fractionDigits) {
            case 0 -> packed = intPart << 24;
            case 1, 2, 3, 4 -> {
                // 1 byte of hundredths or 2 of ten-thousandths, borrowing from the seconds when negative
                int bytes = (fractionDigits + 1) / 2;
                long fraction = bigEndian(in.read(bytes));
                if (intPart < 0 && fraction != 0) {
                    intPart++;
                    fraction -= 1L << (8 * bytes);
                }
                packed = (intPart << 24) + fraction * (bytes == 1 ? 10_000 : 100);
            }
            default -> packed = (((intPart + TIMEF_INT_OFS) << 24) | bigEndian(in.read(3))) - TIMEF_OFS;
        }
        boolean negative = packed < 0;
        long magnitude = Math.abs(packed);
        long hms = magnitude >> 24;
        long micros = magnitude % (1L << 24);
        return new ExactTemporal((negative ? "-" : "")
                + timePart((hms >> 12) % (1 << 10), (hms >> 6) % (1 << 6), hms % (1 << 6), micros, fractionDigits));
    }

    static ExactTemporal dateTimeV2(int fractionDigits, ByteArrayInputStream in) throws IOException {
        long intPart = bigEndian(in.read(5)) - DATETIMEF_INT_OFS;
        long micros = switch (fractionDigits) {
            case 0 -> 0;
            case 1, 2 -> bigEndian(in.read(1)) * 10_000;
            case 3, 4 -> bigEndian(in.read(2)) * 100;
            default -> bigEndian(in.read(3));
        };
        long ymd = intPart >> 17;
        long yearMonth = ymd >> 5;
        long hms = intPart % (1 << 17);
        return new ExactTemporal(datePart(yearMonth / 13, yearMonth % 13, ymd % 32) + " "
                + timePart(hms >> 12, (hms >> 6) % 64, hms % 64, micros, fractionDigits));
    }

    private static long bigEndian(byte[] bytes) {
        long value = 0;
        for (byte b : bytes) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }

    /** {@code YYYY-MM-DD}, zero parts as they are. */
    static String datePart(long year, long month, long day) {
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2);
    }

    /** {@code hh:mm:ss} (hours may exceed 24) with {@code fractionDigits} digits of {@code micros}. */
    static String timePart(long hours, long minutes, long seconds, long micros, int fractionDigits) {
        String text = pad(hours, 2) + ":" + pad(minutes, 2) + ":" + pad(seconds, 2);
        return fractionDigits == 0 ? text : text + "." + pad(micros, 6).substring(0, fractionDigits);
    }

    private static String pad(long value, int width) {
        String digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }
}
