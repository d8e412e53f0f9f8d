package dev.hookline.server.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape of {@code conf/hookline.yaml}: which keys exist where. The binder checks keys against
 * it (unknown keys fail with a suggestion), and the environment mapping walks it to turn
 * {@code HOOKLINE_SERVER_MAX_FRAME_BYTES} into {@code server.maxFrameBytes}.
 */
final class ConfigSchema {

    /** What is found under a key. */
    sealed interface Shape permits Leaf, Section, PluginIds, HookNames, Free {
    }

    /** A single value. */
    record Leaf() implements Shape {
    }

    /** A mapping with fixed keys. */
    record Section(String name, Map<String, Shape> keys) implements Shape {
    }

    /** A mapping from plugin id to a plugin section. */
    record PluginIds(Section section) implements Shape {
    }

    /** A mapping from hook name to a duration. */
    record HookNames() implements Shape {
    }

    /** Anything: a plugin's own settings, bound later by the plugin. */
    record Free() implements Shape {
    }

    static final Leaf LEAF = new Leaf();

    static final Section STORE = section("server.store", "debounce", "maxDelay", "retryMin", "retryMax");

    static final Section SERVER = section("server", "host", "port", "webSocketPath", "maxFrameBytes", "maxOpenDocuments",
            "maxQueuedFrames", "maxOutboundBytes", "maxOutboundFrames", "keepAliveInterval", "idleTimeout", "changeLogSize",
            "shutdownGrace", "store", STORE,
            // connection limits (transport)
            "maxConnections", "maxHeaderBytes", "maxHeaders", "requestHeadTimeout",
            // data limits: how much one document or connection may make the server hold
            "maxChangeLogBytes", "maxChangeLogBytesTotal", "maxStatelessBytes", "maxPresenceBytes",
            "maxSubscriptionsPerConnection");

    static final Section HOOKS = section("hooks", "defaultTimeout");

    static final Section PLUGINS = section("plugins", "directory", "watch");

    static final Section DATA = section("data", "directory");

    static final Section METRICS = section("admin.metrics", "enabled");

    static final Section ADMIN = section("admin", "token", "metrics", METRICS);

    static final Section CLUSTER = section("cluster", "nodeId", "leaseTtl", "relayTimeout");

    static final Section PLUGIN_SECTION = section("plugin.<id>", "enabled", "priority", "timeout",
            "hookTimeouts", new HookNames(), "settings", new Free());

    static final Section ROOT = section("the top level", "server", SERVER, "hooks", HOOKS, "plugins", PLUGINS,
            "data", DATA, "admin", ADMIN, "cluster", CLUSTER, "plugin", new PluginIds(PLUGIN_SECTION));

    private ConfigSchema() {
    }

    /** Keys in order; a key followed by a {@link Shape} has that shape, otherwise it is a {@link Leaf}. */
    private static Section section(String name, Object... keys) {
        Map<String, Shape> map = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            String key = (String) keys[i];
            if (i + 1 < keys.length && keys[i + 1] instanceof Shape shape) {
                map.put(key, shape);
                i++;
            } else {
                map.put(key, LEAF);
            }
        }
        return new Section(name, java.util.Collections.unmodifiableMap(map));
    }

    /** @return the words of a key, upper case: {@code maxFrameBytes} is MAX, FRAME, BYTES; {@code my-plugin} is MY, PLUGIN */
    static List<String> words(String key) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '-' || c == '_' || c == '.') {
                flush(words, word);
            } else {
                if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(key.charAt(i - 1))) {
                    flush(words, word);
                }
                word.append(Character.toUpperCase(c));
            }
        }
        flush(words, word);
        return words;
    }

    private static void flush(List<String> words, StringBuilder word) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** A key found at the start of some tokens, and how many tokens it used. */
    record Match(String key, int length) {
    }

    /**
     * Finds the key of {@code keys} that the tokens from {@code from} spell, either word by word
     * ({@code MAX_FRAME_BYTES}) or run together ({@code MAXFRAMEBYTES}), ignoring case. The key
     * using the most tokens wins.
     *
     * @return the match, or {@code null}
     */
    static Match match(List<String> tokens, int from, Collection<String> keys) {
        Match best = null;
        for (String key : keys) {
            List<String> words = words(key);
            if (words.isEmpty()) {
                continue;
            }
            int length = 0;
            if (from + words.size() <= tokens.size()) {
                boolean all = true;
                for (int w = 0; w < words.size() && all; w++) {
                    all = words.get(w).equalsIgnoreCase(tokens.get(from + w));
                }
                if (all) {
                    length = words.size();
                }
            }
            if (length == 0 && from < tokens.size() && String.join("", words).equalsIgnoreCase(tokens.get(from))) {
                length = 1;
            }
            if (length > 0 && (best == null || length > best.length())) {
                best = new Match(key, length);
            }
        }
        return best;
    }

    /** @return the tokens as one lowerCamelCase key: ASYNC, FLUSH, MILLIS is {@code asyncFlushMillis} */
    static String camel(List<String> tokens) {
        StringBuilder key = new StringBuilder();
        for (String token : tokens) {
            String lower = token.toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                key.append(lower);
            } else if (!lower.isEmpty()) {
                key.append(Character.toUpperCase(lower.charAt(0))).append(lower, 1, lower.length());
            }
        }
        return key.toString();
    }

    /** @return the candidate closest to {@code wrong} (same letters ignoring case, or at most two edits), or {@code null} */
    static String suggest(String wrong, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = wrong.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        for (String candidate : candidates) {
            int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = wrong.length() <= 3 ? 1 : wrong.length() <= 6 ? 2 : 3;
        return bestDistance <= allowed ? best : null;
    }

    /** Edits (insert, delete, replace, swap two neighbours) from {@code a} to {@code b}: optimal string alignment. */
    private static int distance(String a, String b) {
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
