package dev.hookline.plugins.postgres;

import dev.hookline.plugins.storage.SettingChecks;
import java.util.regex.Pattern;

/**
 * The plugin's settings, bound with {@code context.plugin().settings(PostgresSettings.class)}.
 * {@code url} is required; every other key is optional and takes its default when absent or
 * {@code null}. Invalid values fail with an {@link IllegalArgumentException} whose message names
 * the key.
 *
 * @param url              the JDBC URL of the database, e.g.
 *                         {@code jdbc:postgresql://127.0.0.1:5432/hookline?user=postgres}; user,
 *                         password and any other pgjdbc parameter go in it
 * @param durability       {@code ack} (default): a change is committed before it is acknowledged;
 *                         {@code async}: a change is acknowledged at once and committed within
 *                         {@code asyncFlushMillis} (a crash loses what was not committed yet)
 * @param asyncFlushMillis in {@code async} mode, the longest a change waits for its commit;
 *                         default 50, from 1 to 60000
 * @param poolSize         connections for loads (the writer has one more of its own); default 4,
 *                         from 1 to 64
 * @param schema           the schema holding the plugin's tables, created if missing; default
 *                         {@code public}; a plain lower-case identifier
 */
public record PostgresSettings(String url, String durability, Integer asyncFlushMillis, Integer poolSize,
                               String schema) {

    /** An example URL, for error messages and docs. */
    static final String EXAMPLE_URL = "jdbc:postgresql://127.0.0.1:5432/hookline?user=postgres";

    /** A schema name used unquoted in SQL: no quoting rules, no injection. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Applies defaults and validates; every message names the key it is about. */
    public PostgresSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("postgres setting 'url' is required (the database's JDBC URL, e.g. "
                    + EXAMPLE_URL + ")");
        }
        url = url.strip();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("postgres setting 'url' must be a PostgreSQL JDBC URL starting with "
                    + "jdbc:postgresql: (e.g. " + EXAMPLE_URL + ")");
        }
        durability = SettingChecks.oneOf("postgres", "durability", durability, "ack", "ack", "async");
        asyncFlushMillis = SettingChecks.inRange("postgres", "asyncFlushMillis", asyncFlushMillis, 50, 1, 60_000);
        poolSize = SettingChecks.inRange("postgres", "poolSize", poolSize, 4, 1, 64);
        if (schema == null) {
            schema = "public";
        } else if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("postgres setting 'schema' must be a lower-case identifier "
                    + "([a-z_][a-z0-9_]*, at most 63 characters), not \"" + schema + "\"");
        }
    }

    /** @return whether changes are acknowledged before they are committed */
    public boolean async() {
        return durability.equals("async");
    }

    /** Never the URL itself: it may hold a password. */
    @Override
    public String toString() {
        return "PostgresSettings[durability=" + durability + ", asyncFlushMillis=" + asyncFlushMillis + ", poolSize="
                + poolSize + ", schema=" + schema + "]";
    }
}
