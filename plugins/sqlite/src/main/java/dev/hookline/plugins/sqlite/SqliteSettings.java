package dev.hookline.plugins.sqlite;

import java.util.Locale;

/**
 * The plugin's settings, bound with {@code context.plugin().settings(SqliteSettings.class)}. Every
 * key is optional; an absent or {@code null} key takes its default. Invalid values fail with an
 * {@link IllegalArgumentException} whose message names the key.
 *
 * @param file             the database file; default {@code data/hookline.db}, relative to the
 *                         server's working directory; missing parent folders are created
 * @param durability       {@code ack} (default): a change is committed before it is acknowledged;
 *                         {@code async}: a change is acknowledged at once and committed within
 *                         {@code asyncFlushMillis} (a crash loses what was not committed yet)
 * @param asyncFlushMillis in {@code async} mode, the longest a change waits for its commit;
 *                         default 50, from 1 to 60000
 * @param synchronous      SQLite's {@code PRAGMA synchronous}: {@code normal} (default) survives a
 *                         crash of the process (kill -9) but may lose the last commits on power
 *                         loss; {@code full} survives power loss too, at the cost of an fsync per
 *                         commit
 */
public record SqliteSettings(String file, String durability, Integer asyncFlushMillis, String synchronous) {

    /** The default database file, relative to the working directory. */
    public static final String DEFAULT_FILE = "data/hookline.db";

    /** All defaults. */
    public static final SqliteSettings DEFAULTS = new SqliteSettings(null, null, null, null);

    /** Applies defaults and validates; every message names the key it is about. */
    public SqliteSettings {
        if (file == null) {
            file = DEFAULT_FILE;
        } else if (file.isBlank()) {
            throw new IllegalArgumentException("sqlite setting 'file' must name a database file, not be blank");
        }
        durability = oneOf("durability", durability, "ack", "ack", "async");
        if (asyncFlushMillis == null) {
            asyncFlushMillis = 50;
        } else if (asyncFlushMillis < 1 || asyncFlushMillis > 60_000) {
            throw new IllegalArgumentException(
                    "sqlite setting 'asyncFlushMillis' must be from 1 to 60000 (milliseconds), not " + asyncFlushMillis);
        }
        synchronous = oneOf("synchronous", synchronous, "normal", "normal", "full");
    }

    /** @return whether changes are acknowledged before they are committed */
    public boolean async() {
        return durability.equals("async");
    }

    /** @return whether every commit is synced to disk (survives power loss) */
    public boolean fullSync() {
        return synchronous.equals("full");
    }

    private static String oneOf(String key, String value, String fallback, String... allowed) {
        if (value == null) {
            return fallback;
        }
        String normalized = value.strip().toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(normalized)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("sqlite setting '" + key + "' must be one of " + String.join(", ", allowed)
                + ", not \"" + value + "\"");
    }
}
