package dev.umbra.engine.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * When the cut-over may start: not before {@code notBefore}, and inside one of the windows (any
 * time when there are none). An attempt starts only if its lock, at most the lock timeout, ends
 * before its window closes, so a cut-over never blocks writers outside the hours chosen for it.
 */
public record CutOverSchedule(List<CutOverWindow> windows, Optional<Instant> notBefore) {

    public CutOverSchedule {
        windows = List.copyOf(windows);
        notBefore = notBefore == null ? Optional.empty() : notBefore;
    }

    public static CutOverSchedule anyTime() {
        return new CutOverSchedule(List.of(), Optional.empty());
    }

    public boolean restricts() {
        return !windows.isEmpty() || notBefore.isPresent();
    }

    /**
     * Why an attempt whose lock may last {@code lock} cannot start at {@code now}, with when it can
     * (e.g. {@code "cut-over window Mon-Fri 01:00-05:00 Europe/Berlin (next opens in 3h12m)"}); empty
     * when it can start.
     */
    public Optional<String> closed(Instant now, Duration lock) {
        if (notBefore.isPresent() && now.isBefore(notBefore.get())) {
            return Optional.of("cut-over not before " + notBefore.get() + " (in " + human(Duration.between(now, notBefore.get())) + ")");
        }
        if (windows.isEmpty()) {
            return Optional.empty();
        }
        for (CutOverWindow window : windows) {
            Optional<CutOverWindow.Occurrence> open = window.containing(now);
            if (open.isPresent() && !now.plus(lock).isAfter(open.get().closes())) {
                return Optional.empty();
            }
        }
        Instant next = windows.stream().map(window -> window.next(now).opens()).min(Comparator.naturalOrder()).orElseThrow();
        return Optional.of("cut-over window " + windows.stream().map(CutOverWindow::toString).collect(Collectors.joining(", "))
                + " (next opens in " + human(Duration.between(now, next)) + ")");
    }

    static String human(Duration duration) {
        long minutes = Math.max(0, (duration.getSeconds() + 59) / 60);
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        long rest = minutes % 60;
        return (days > 0 ? days + "d" : "") + (days > 0 || hours > 0 ? hours + "h" : "") + rest + "m";
    }
}
