package dev.hookline.plugins.storage;

import java.util.Locale;

/**
 * Defaults and checks for the keys of a plugin's settings record, in its compact constructor.
 * Every failure is an {@link IllegalArgumentException} whose message names the plugin and the key.
 */
public final class SettingChecks {

    private SettingChecks() {
    }

    /**
     * @return {@code fallback} for {@code null}, else the value stripped and in lower case, which
     *         must be one of {@code allowed}
     */
    public static String oneOf(String plugin, String key, String value, String fallback, String... allowed) {
        if (value == null) {
            return fallback;
        }
        String normalized = value.strip().toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(normalized)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(plugin + " setting '" + key + "' must be one of " + String.join(", ", allowed)
                + ", not \"" + value + "\"");
    }

    /** @return {@code fallback} for {@code null}, else the value, which must be from min to max */
    public static int inRange(String plugin, String key, Integer value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(plugin + " setting '" + key + "' must be from " + min + " to " + max
                    + ", not " + value);
        }
        return value;
    }
}
