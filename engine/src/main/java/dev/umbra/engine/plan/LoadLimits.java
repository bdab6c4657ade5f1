package dev.umbra.engine.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Limits on global status variables, written {@code Threads_running=25,Threads_connected=500} (the
 * gh-ost form of {@code --max-load} and {@code --critical-load}).
 */
public record LoadLimits(Map<String, Long> limits) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_]+");

    public static LoadLimits parse(String text) {
        Map<String, Long> limits = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String[] pair = part.split("=", -1);
            if (pair.length != 2 || !NAME.matcher(pair[0].trim()).matches()) {
                throw new IllegalArgumentException("\"" + part.trim() + "\" is not Status_variable=limit (e.g. Threads_running=25)");
            }
            try {
                limits.put(pair[0].trim(), Long.parseLong(pair[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the limit of " + pair[0].trim() + " is not a whole number: \"" + pair[1].trim() + "\"");
            }
        }
        return new LoadLimits(Collections.unmodifiableMap(limits));
    }

    /** The first variable above its limit, as {@code Threads_running=31 > 25}. */
    public Optional<String> exceeded(Map<String, Long> values) {
        for (Map.Entry<String, Long> limit : limits.entrySet()) {
            Long value = values.get(limit.getKey().toLowerCase(java.util.Locale.ROOT));
            if (value != null && value > limit.getValue()) {
                return Optional.of(limit.getKey() + "=" + value + " > " + limit.getValue());
            }
        }
        return Optional.empty();
    }
}
