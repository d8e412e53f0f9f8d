package dev.hookline.plugins.logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The plugin's settings, bound with {@code context.plugin().settings(LoggerSettings.class)}. Every
 * key is optional; an absent or {@code null} key takes its default. An invalid value fails with an
 * {@link InvalidSetting} whose message names the key and the allowed values.
 *
 * @param events            the hooks to log, by hook name (see {@link Event}); default: the
 *                          connection and document lifecycle ({@link Event#defaults()}), not
 *                          {@code onChange}, {@code onRequest} (one line per write, per HTTP
 *                          request) or {@code onAuthenticate}; an empty list logs nothing
 * @param prefix            put in brackets before every line: {@code [hookline] ...}; default
 *                          {@code hookline}; an empty prefix leaves the brackets out
 * @param level             the level of the lines: {@code info} (default) or {@code debug}
 * @param includeAttributes whether connection attributes are logged with their values; default
 *                          {@code false}, since attributes often hold user ids, roles or tokens.
 *                          Tokens, query strings, headers and document values are never logged
 */
public record LoggerSettings(List<String> events, String prefix, String level, Boolean includeAttributes) {

    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "hookline";

    /** The longest prefix accepted. */
    public static final int MAX_PREFIX = 64;

    /** All defaults. */
    public static final LoggerSettings DEFAULTS = new LoggerSettings(null, null, null, null);

    /** A setting with a bad value; the message names the key and what is allowed. */
    public static final class InvalidSetting extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidSetting(String message) {
            super(message);
        }
    }

    /** Applies defaults and validates. */
    public LoggerSettings {
        if (events == null) {
            events = Event.defaults();
        } else {
            Set<String> names = new LinkedHashSet<>();
            for (String name : events) {
                if (name == null || Event.byHook(name) == null) {
                    throw new InvalidSetting(unknownEvent(name));
                }
                names.add(name);
            }
            events = Collections.unmodifiableList(new ArrayList<>(names));
        }
        if (prefix == null) {
            prefix = DEFAULT_PREFIX;
        } else {
            if (prefix.length() > MAX_PREFIX) {
                throw new InvalidSetting("logger setting 'prefix' must be at most " + MAX_PREFIX
                        + " characters, not " + prefix.length());
            }
            if (prefix.codePoints().anyMatch(Lines::unsafe)) {
                throw new InvalidSetting("logger setting 'prefix' must not contain control characters");
            }
        }
        if (level == null) {
            level = "info";
        } else {
            String normalized = level.strip().toLowerCase(Locale.ROOT);
            if (!normalized.equals("info") && !normalized.equals("debug")) {
                throw new InvalidSetting("logger setting 'level' must be one of info, debug, not \""
                        + Lines.clean(level) + "\"");
            }
            level = normalized;
        }
        if (includeAttributes == null) {
            includeAttributes = false;
        }
    }

    /** @return whether lines are logged at DEBUG rather than INFO */
    public boolean debug() {
        return level.equals("debug");
    }

    /** @return the bits of {@link #events} */
    public int mask() {
        int mask = 0;
        for (String name : events) {
            mask |= Event.byHook(name).bit();
        }
        return mask;
    }

    private static String unknownEvent(String name) {
        if (name == null) {
            return "logger setting 'events' must not contain null; valid hook names: " + Event.validNames();
        }
        String shown = "\"" + Lines.clean(name) + "\"";
        if (name.equals("onStoreDocument")) {
            return "logger setting 'events' cannot contain " + shown + ": a hook there would count as storage "
                    + "(a server without storage would then unload, and lose, changed documents); "
                    + "log afterStoreDocument instead. Valid hook names: " + Event.validNames();
        }
        Event closest = null;
        int best = 3; // suggest only names at most 2 edits away (case ignored)
        for (Event event : Event.values()) {
            int distance = distance(event.hook().toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
            if (distance < best) {
                best = distance;
                closest = event;
            }
        }
        if (closest != null) {
            return "logger setting 'events' has " + shown + "; did you mean \"" + closest.hook()
                    + "\"? Valid hook names: " + Event.validNames();
        }
        return "logger setting 'events' has " + shown + ", which is not a hook the logger logs; valid hook names: "
                + Event.validNames();
    }

    /** Edit distance with transpositions (optimal string alignment), for "did you mean". */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2 || b.length() > 100) {
            return Integer.MAX_VALUE;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
