package dev.umbra.engine.plan;

import java.time.Duration;
import java.util.Locale;

/**
 * A duration as people and Kubernetes manifests write it: whole numbers with units, largest first,
 * as in {@code 30m}, {@code 1h30m}, {@code 90s}, {@code 2d}, or {@code 0}.
 */
public final class DurationText {

    private DurationText() {
    }

    /** @throws IllegalArgumentException naming what is wrong, for a text that is not such a duration */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("is empty; write a duration such as 30m, 2h or 1h30m");
        }
        Duration total = Duration.ZERO;
        String units = "dhms";
        int lastUnit = -1;
        int index = 0;
        while (index < value.length()) {
            int start = index;
            while (index < value.length() && Character.isDigit(value.charAt(index))) {
                index++;
            }
            if (start == index || index == value.length() || start + 9 < index) {
                throw new IllegalArgumentException("'" + text + "' is not a duration; write one such as 30m, 2h or 1h30m");
            }
            int unit = units.indexOf(value.charAt(index));
            if (unit <= lastUnit) {
                throw new IllegalArgumentException("'" + text + "' is not a duration; use the units d, h, m and s, each"
                        + " once, largest first (e.g. 1h30m)");
            }
            long amount = Long.parseLong(value.substring(start, index));
            total = total.plus(switch (unit) {
                case 0 -> Duration.ofDays(amount);
                case 1 -> Duration.ofHours(amount);
                case 2 -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            });
            lastUnit = unit;
            index++;
        }
        return total;
    }

    /** The shortest text {@link #parse} reads back as {@code duration} (whole seconds), e.g. {@code 1h30m}. */
    public static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds == 0) {
            return "0";
        }
        StringBuilder text = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        String units = "dhms";
        for (int i = 0; i < sizes.length; i++) {
            if (seconds >= sizes[i]) {
                text.append(seconds / sizes[i]).append(units.charAt(i));
                seconds %= sizes[i];
            }
        }
        return text.toString();
    }
}
