package dev.hookline.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the configuration writes them: a whole number and a unit, {@code 500ms},
 * {@code 15s}, {@code 10m}, {@code 1h} (no space needed, none allowed inside the number), or an
 * ISO-8601 duration such as {@code PT1M30S} as a fallback.
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** What a duration looks like, for error messages. */
    public static final String FORMAT = "use 500ms, 15s, 10m, 1h or ISO-8601 like PT1M30S";

    private Durations() {
    }

    /**
     * @return the duration {@code text} stands for
     * @throws IllegalArgumentException when it is not a duration (the message quotes it)
     */
    public static Duration parse(String text) {
        String value = text.strip();
        Matcher simple = SIMPLE.matcher(value.toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long amount;
            try {
                amount = Long.parseLong(simple.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + text + "\" is too large a duration");
            }
            try {
                return switch (simple.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("\"" + text + "\" is too large a duration");
            }
        }
        if (value.length() > 1 && (value.charAt(0) == 'P' || value.charAt(0) == 'p'
                || value.startsWith("-P") || value.startsWith("-p"))) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a duration (" + FORMAT + ")");
    }

    /** @return {@code d} in the shortest form {@link #parse} reads back: {@code 2s}, {@code 500ms}, {@code 10m} */
    public static String format(Duration d) {
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long millis = d.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
