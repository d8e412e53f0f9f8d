package dev.hookline.plugins.redis;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plugin's settings, bound with {@code node.plugin().settings(RedisSettings.class)}. Every key
 * is optional; an absent or {@code null} key takes its default. Invalid values fail with an
 * {@link IllegalArgumentException} whose message names the key.
 *
 * @param uri     where Redis is, as Lettuce reads it: {@code redis://[:password@]host[:port][/database]},
 *                {@code rediss://} for TLS, {@code redis-sentinel://} for Sentinel; default
 *                {@code redis://127.0.0.1:6379}
 * @param prefix  put before every key and channel name, so several clusters can share one Redis;
 *                default {@code hookline:}
 * @param timeout how long one Redis command (and a connect) may take before it fails; written like
 *                the server's durations ({@code 2s}, {@code 500ms}, {@code PT2S}); default
 *                {@code 2s}, from 10ms to 60s
 */
public record RedisSettings(String uri, String prefix, String timeout) {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    /** All defaults (declared after the constants the constructor uses). */
    public static final RedisSettings DEFAULTS = new RedisSettings(null, null, null);

    /** Applies defaults and validates; every message names the key it is about. */
    public RedisSettings {
        if (uri == null) {
            uri = "redis://127.0.0.1:6379";
        } else if (uri.isBlank()) {
            throw new IllegalArgumentException("redis setting 'uri' must be a Redis URI such as redis://127.0.0.1:6379, not blank");
        }
        if (prefix == null) {
            prefix = "hookline:";
        }
        if (timeout == null) {
            timeout = "2s";
        }
        Duration parsed = parseDuration(timeout);
        if (parsed.compareTo(MIN_TIMEOUT) < 0 || parsed.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("redis setting 'timeout' must be from 10ms to 60s, not \"" + timeout + "\"");
        }
    }

    /** @return the command timeout */
    public Duration commandTimeout() {
        return parseDuration(timeout);
    }

    /** The server's duration syntax (its parser lives in the server, which a plugin does not see). */
    private static Duration parseDuration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher simple = SIMPLE.matcher(value);
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        }
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("redis setting 'timeout' must be a duration such as 2s, 500ms or PT2S, not \""
                + text + "\"");
    }
}
