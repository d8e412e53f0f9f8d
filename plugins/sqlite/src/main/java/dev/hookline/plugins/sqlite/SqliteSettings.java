package dev.hookline.plugins.sqlite;

import dev.hookline.plugins.storage.SettingChecks;

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
        durability = SettingChecks.oneOf("sqlite", "durability", durability, "ack", "ack", "async");
        asyncFlushMillis = SettingChecks.inRange("sqlite", "asyncFlushMillis", asyncFlushMillis, 50, 1, 60_000);
        synchronous = SettingChecks.oneOf("sqlite", "synchronous", synchronous, "normal", "normal", "full");
    }

    /** @return whether changes are acknowledged before they are committed */
    public boolean async() {
        return durability.equals("async");
    }

    /** @return whether every commit is synced to disk (survives power loss) */
    public boolean fullSync() {
        return synchronous.equals("full");
    }
}
