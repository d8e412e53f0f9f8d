package dev.hookline.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.hookline.server.config.ConfigSchema.Free;
import dev.hookline.server.config.ConfigSchema.HookNames;
import dev.hookline.server.config.ConfigSchema.Leaf;
import dev.hookline.server.config.ConfigSchema.Match;
import dev.hookline.server.config.ConfigSchema.PluginIds;
import dev.hookline.server.config.ConfigSchema.Section;
import dev.hookline.server.config.ConfigSchema.Shape;
import dev.hookline.server.hooks.Hook;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.hooks.PluginSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the configuration: the YAML file (or nothing: the built-in defaults), then the
 * {@code HOOKLINE_*} environment variables over it, then the command line over both; then binds
 * the result to {@link HooklineConfig}, rejecting unknown keys. Every problem is a
 * {@link ConfigException} that names the key by its full dotted path and says what is allowed.
 *
 * <p>The environment rule: {@code HOOKLINE_} followed by the key's path, each key upper case,
 * {@code _} between keys, and inside a camelCase key either {@code _} between its words or
 * nothing: {@code server.maxFrameBytes} is {@code HOOKLINE_SERVER_MAX_FRAME_BYTES} or
 * {@code HOOKLINE_SERVER_MAXFRAMEBYTES}. A plugin id is written upper case with {@code _} for
 * {@code -} and {@code .}: {@code plugin.audit-log.enabled} is
 * {@code HOOKLINE_PLUGIN_AUDIT_LOG_ENABLED}. Variables whose first key is not a top-level section
 * ({@code HOOKLINE_JAVA_OPTS}, {@code HOOKLINE_HOME}, ...) are not configuration and are left
 * alone. {@code docs/configuration.md} has the details.
 */
public final class ConfigLoader {

    /** The prefix of environment variables that configure the server. */
    public static final String ENV_PREFIX = "HOOKLINE_";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

    /**
     * One value set on the command line.
     *
     * @param key    the full dotted path, e.g. {@code server.port} or {@code plugin.sqlite.settings.durability}
     * @param value  the value as text; {@code true}/{@code false} and whole numbers become booleans and numbers
     * @param origin how the operator set it, for messages, e.g. {@code --port}
     */
    public record Override(String key, String value, String origin) {
    }

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param file      the YAML file, or {@code null} for the built-in defaults
     * @param env       the environment (only {@code HOOKLINE_*} entries are read)
     * @param overrides values from the command line, applied last
     * @return the configuration, validated; relative directories not yet resolved (see {@link HooklineConfig#resolvePaths})
     * @throws ConfigException naming the bad key, and where it was set
     */
    public static HooklineConfig load(Path file, Map<String, String> env, List<Override> overrides) {
        ObjectNode tree = file == null ? JsonNodeFactory.instance.objectNode() : readFile(file);
        Map<String, String> origins = new HashMap<>();
        applyEnvironment(tree, env, origins);
        for (Override override : overrides) {
            apply(tree, override, origins);
        }
        try {
            return bind(tree);
        } catch (ConfigException e) {
            String origin = e.key() == null ? null : origins.get(e.key());
            if (origin != null) {
                throw e.from("set by " + origin);
            }
            throw file == null ? e : e.from("in " + file);
        }
    }

    /** @return the file's YAML as a tree; an empty file is an empty mapping */
    public static ObjectNode readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, "configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException(null, "configuration file " + file + " cannot be read: " + e, e);
        }
        return parse(text, file.toString());
    }

    /**
     * @param yaml   YAML text
     * @param source where it comes from, for messages
     * @return the tree; empty text is an empty mapping
     */
    public static ObjectNode parse(String yaml, String source) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(null, source + " is not valid YAML" + where + ": " + oneLine(e.getOriginalMessage()), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException(null, source + " must be a mapping of sections (server, hooks, plugins, data, admin, cluster, plugin), got "
                    + describe(tree));
        }
        return (ObjectNode) tree;
    }

    /** SnakeYAML's messages span lines and echo the source with a caret; keep the explaining lines. */
    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        List<String> kept = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                kept.add(line.strip());
            }
        }
        return kept.isEmpty() ? message.strip() : String.join("; ", kept);
    }

    // ------------------------------------------------------------------------------------------
    // Environment and command line

    /**
     * Applies the {@code HOOKLINE_*} variables of {@code env} to {@code tree}, in name order.
     *
     * @param origins receives, per dotted key set, the variable that set it
     */
    static void applyEnvironment(ObjectNode tree, Map<String, String> env, Map<String, String> origins) {
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            List<String> tokens = new ArrayList<>();
            for (String token : name.substring(ENV_PREFIX.length()).split("_")) {
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
            Match section = ConfigSchema.match(tokens, 0, ConfigSchema.ROOT.keys().keySet());
            if (section == null || section.length() != 1 || !section.key().equalsIgnoreCase(tokens.get(0))) {
                continue; // HOOKLINE_JAVA_OPTS, HOOKLINE_HOME, HOOKLINE_CONFIG...: not a configuration key
            }
            List<String> path = envPath(name, tokens, tree);
            String key = String.join(".", path);
            String previous = origins.put(key, "environment variable " + name);
            if (previous != null) {
                throw new ConfigException(key, "set twice, by " + previous + " and by environment variable " + name);
            }
            set(tree, path, scalar(variable.getValue()));
        }
    }

    /** Walks the schema along the variable's tokens. */
    private static List<String> envPath(String name, List<String> tokens, ObjectNode tree) {
        List<String> path = new ArrayList<>();
        Shape shape = ConfigSchema.ROOT;
        JsonNode current = tree;
        int i = 0;
        while (true) {
            String here = String.join(".", path);
            switch (shape) {
                case Leaf leaf -> {
                    if (i < tokens.size()) {
                        throw envProblem(name, here, here + " is a single value, but the variable goes on with "
                                + String.join("_", tokens.subList(i, tokens.size())));
                    }
                    return path;
                }
                case Section section -> {
                    if (i == tokens.size()) {
                        throw envProblem(name, here, here + " is a section; name one of its keys: "
                                + String.join(", ", section.keys().keySet()));
                    }
                    Match match = ConfigSchema.match(tokens, i, section.keys().keySet());
                    if (match == null) {
                        String wrong = ConfigSchema.camel(tokens.subList(i, tokens.size()));
                        throw envProblem(name, join(here, wrong), unknownKeyMessage(here, wrong, section));
                    }
                    path.add(match.key());
                    i += match.length();
                    shape = section.keys().get(match.key());
                    current = child(current, match.key());
                }
                case PluginIds ids -> {
                    int end = -1;
                    for (int j = i + 1; j < tokens.size() && end < 0; j++) {
                        if (ConfigSchema.match(tokens, j, ids.section().keys().keySet()) != null) {
                            end = j;
                        }
                    }
                    if (i == tokens.size() || end < 0) {
                        throw envProblem(name, here, "write HOOKLINE_PLUGIN_<ID>_<KEY>, where KEY is one of "
                                + "ENABLED, PRIORITY, TIMEOUT, HOOK_TIMEOUTS_<HOOK>, SETTINGS_<SETTING>");
                    }
                    List<String> idTokens = tokens.subList(i, end);
                    path.add(pluginId(idTokens, current));
                    current = child(current, path.get(path.size() - 1));
                    i = end;
                    shape = ids.section();
                }
                case HookNames hooks -> {
                    List<String> names = Hooks.all().stream().map(Hook::name).toList();
                    Match match = ConfigSchema.match(tokens, i, names);
                    if (match == null || i + match.length() != tokens.size()) {
                        String wrong = i == tokens.size() ? "" : ConfigSchema.camel(tokens.subList(i, tokens.size()));
                        throw envProblem(name, join(here, wrong), unknownHookMessage(join(here, wrong), wrong));
                    }
                    path.add(match.key());
                    return path;
                }
                case Free free -> {
                    if (i == tokens.size()) {
                        throw envProblem(name, here, here + " is a mapping; name one of its keys after "
                                + String.join("_", ConfigSchema.words(path.get(path.size() - 1))));
                    }
                    List<String> existing = new ArrayList<>();
                    if (current != null && current.isObject()) {
                        current.fieldNames().forEachRemaining(existing::add);
                    }
                    Match match = ConfigSchema.match(tokens, i, existing);
                    if (match != null && i + match.length() == tokens.size()) {
                        path.add(match.key());
                        return path;
                    }
                    if (match != null && current.get(match.key()).isObject()) {
                        path.add(match.key());
                        i += match.length();
                        current = current.get(match.key());
                        continue;
                    }
                    path.add(ConfigSchema.camel(tokens.subList(i, tokens.size())));
                    return path;
                }
            }
        }
    }

    /** The id an existing section spells with these tokens, else the tokens lower case joined with {@code -}. */
    private static String pluginId(List<String> idTokens, JsonNode sections) {
        String spelled = String.join("_", idTokens);
        if (sections != null && sections.isObject()) {
            for (Iterator<String> ids = sections.fieldNames(); ids.hasNext(); ) {
                String id = ids.next();
                if (id.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_').equalsIgnoreCase(spelled)) {
                    return id;
                }
            }
        }
        return String.join("-", idTokens).toLowerCase(Locale.ROOT);
    }

    private static ConfigException envProblem(String variable, String key, String message) {
        return ConfigException.verbatim(key, variable + ": " + message);
    }

    private static JsonNode child(JsonNode node, String key) {
        return node == null ? null : node.get(key);
    }

    private static void apply(ObjectNode tree, Override override, Map<String, String> origins) {
        List<String> path = Arrays.asList(override.key().split("\\."));
        if (path.isEmpty() || path.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException(override.key(), "not a configuration key (" + override.origin() + ")");
        }
        origins.put(override.key(), override.origin());
        set(tree, path, scalar(override.value()));
    }

    private static void set(ObjectNode tree, List<String> path, JsonNode value) {
        ObjectNode node = tree;
        for (String key : path.subList(0, path.size() - 1)) {
            JsonNode next = node.get(key);
            if (next == null || !next.isObject()) {
                next = node.putObject(key);
            }
            node = (ObjectNode) next;
        }
        node.set(path.get(path.size() - 1), value);
    }

    /** {@code true}/{@code false} become booleans and whole numbers numbers; anything else stays text. */
    static JsonNode scalar(String value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return BooleanNode.valueOf(Boolean.parseBoolean(value));
        }
        if (INTEGER.matcher(value).matches()) {
            long number = Long.parseLong(value);
            if (String.valueOf(number).equals(value)) {
                return number == (int) number ? nodes.numberNode((int) number) : nodes.numberNode(number);
            }
        }
        return nodes.textNode(value);
    }

    // ------------------------------------------------------------------------------------------
    // Binding

    /**
     * Binds a tree (the file with the overrides applied) to a configuration; absent keys take
     * their defaults.
     *
     * @throws ConfigException naming the first bad key
     */
    public static HooklineConfig bind(JsonNode tree) {
        Keys root = new Keys("", tree, ConfigSchema.ROOT);
        HooklineConfig d = HooklineConfig.DEFAULTS;
        ServerConfig server = bindServer(root.section("server", ConfigSchema.SERVER));
        Keys hooks = root.section("hooks", ConfigSchema.HOOKS);
        Duration hookTimeout = hooks.duration("defaultTimeout", d.hookTimeout());
        Keys plugins = root.section("plugins", ConfigSchema.PLUGINS);
        Path pluginsDirectory = plugins.path("directory", d.pluginsDirectory());
        boolean watch = plugins.bool("watch", d.watchPlugins());
        Keys data = root.section("data", ConfigSchema.DATA);
        Path dataDirectory = data.path("directory", d.dataDirectory());
        Keys admin = root.section("admin", ConfigSchema.ADMIN);
        String token = admin.string("token", d.adminToken());
        boolean metrics = admin.section("metrics", ConfigSchema.METRICS).bool("enabled", d.metricsEnabled());
        Map<String, PluginSettings> sections = bindPluginSections(root.value("plugin"));
        return new HooklineConfig(server, hookTimeout, pluginsDirectory, watch, dataDirectory, token, metrics, sections,
                bindCluster(root.section("cluster", ConfigSchema.CLUSTER)));
    }

    private static ClusterConfig bindCluster(Keys c) {
        ClusterConfig d = ClusterConfig.DEFAULTS;
        String nodeId = c.string("nodeId", d.nodeId()).strip();
        if (!nodeId.matches("[A-Za-z0-9._-]{0,64}")) {
            throw new ConfigException(c.key("nodeId"), "must be 1 to 64 letters, digits, '.', '_' or '-', got \"" + nodeId + "\"");
        }
        Duration leaseTtl = c.duration("leaseTtl", d.leaseTtl());
        if (leaseTtl.toMillis() < 300) {
            throw new ConfigException(c.key("leaseTtl"), "must be at least 300ms, got " + Durations.format(leaseTtl));
        }
        Duration relayTimeout = c.duration("relayTimeout", d.relayTimeout());
        if (relayTimeout.toMillis() < 100) {
            throw new ConfigException(c.key("relayTimeout"), "must be at least 100ms, got " + Durations.format(relayTimeout));
        }
        return new ClusterConfig(nodeId, leaseTtl, relayTimeout);
    }

    private static ServerConfig bindServer(Keys s) {
        ServerConfig d = ServerConfig.DEFAULTS;
        String host = s.string("host", d.host());
        if (host.isBlank()) {
            throw new ConfigException(s.key("host"), "must be an address or host name (0.0.0.0 for every interface), got \"\"");
        }
        int port = (int) s.integer("port", d.port(), 0, 65535);
        String webSocketPath = s.string("webSocketPath", d.webSocketPath());
        if (!webSocketPath.startsWith("/")) {
            throw new ConfigException(s.key("webSocketPath"), "must start with /, got \"" + webSocketPath + "\"");
        }
        int maxFrameBytes = (int) s.integer("maxFrameBytes", d.maxFrameBytes(), 1, Integer.MAX_VALUE);
        int maxOpenDocuments = (int) s.integer("maxOpenDocuments", d.maxOpenDocuments(), 1, Integer.MAX_VALUE);
        int maxQueuedFrames = (int) s.integer("maxQueuedFrames", d.maxQueuedFrames(), 1, Integer.MAX_VALUE);
        long maxOutboundBytes = s.integer("maxOutboundBytes", d.maxOutboundBytes(), 1, Long.MAX_VALUE);
        int maxOutboundFrames = (int) s.integer("maxOutboundFrames", d.maxOutboundFrames(), 1, Integer.MAX_VALUE);
        Duration keepAliveInterval = s.duration("keepAliveInterval", d.keepAliveInterval());
        Duration idleTimeout = s.duration("idleTimeout", d.idleTimeout());
        if (idleTimeout.compareTo(keepAliveInterval) <= 0) {
            throw new ConfigException(s.key("idleTimeout"), "must be longer than server.keepAliveInterval ("
                    + Durations.format(keepAliveInterval) + "), got " + Durations.format(idleTimeout));
        }
        int changeLogSize = (int) s.integer("changeLogSize", d.changeLogSize(), 1, Integer.MAX_VALUE);
        Duration shutdownGrace = s.duration("shutdownGrace", d.shutdownGrace());
        Keys st = s.section("store", ConfigSchema.STORE);
        ServerConfig.StoreTiming ds = d.store();
        Duration debounce = st.duration("debounce", ds.debounce());
        Duration maxDelay = st.duration("maxDelay", ds.maxDelay());
        Duration retryMin = st.duration("retryMin", ds.retryMin());
        Duration retryMax = st.duration("retryMax", ds.retryMax());
        if (maxDelay.compareTo(debounce) < 0) {
            throw new ConfigException(st.key("maxDelay"), "must not be shorter than server.store.debounce ("
                    + Durations.format(debounce) + "), got " + Durations.format(maxDelay));
        }
        if (retryMax.compareTo(retryMin) < 0) {
            throw new ConfigException(st.key("retryMax"), "must not be shorter than server.store.retryMin ("
                    + Durations.format(retryMin) + "), got " + Durations.format(retryMax));
        }
        ServerConfig.ConnectionLimits connections = bindConnectionLimits(s, d.connections());
        ServerConfig.DataLimits data = bindDataLimits(s, d.data());
        try {
            return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                    maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace,
                    new ServerConfig.StoreTiming(debounce, maxDelay, retryMin, retryMax), connections, data);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("server", e.getMessage(), e); // every rule is checked above; a safety net
        }
    }

    /** {@code server.maxConnections} is a whole number >= 1, or {@code auto} (the default) to derive it at start. */
    private static ServerConfig.ConnectionLimits bindConnectionLimits(Keys s, ServerConfig.ConnectionLimits d) {
        int maxConnections = (int) s.integerOrAuto("maxConnections", d.maxConnections(), 1, Integer.MAX_VALUE,
                " (derived from the descriptor limit and the heap)");
        int maxHeaderBytes = (int) s.integer("maxHeaderBytes", d.maxHeaderBytes(), 1024, Integer.MAX_VALUE);
        int maxHeaders = (int) s.integer("maxHeaders", d.maxHeaders(), 1, Integer.MAX_VALUE);
        Duration requestHeadTimeout = s.duration("requestHeadTimeout", d.requestHeadTimeout());
        return new ServerConfig.ConnectionLimits(maxConnections, maxHeaderBytes, maxHeaders, requestHeadTimeout);
    }

    /** The data limits; the change log bounds may be {@code auto}: derived from the heap ({@code d}'s values). */
    private static ServerConfig.DataLimits bindDataLimits(Keys s, ServerConfig.DataLimits d) {
        long maxChangeLogBytes = s.integerOrAuto("maxChangeLogBytes", d.maxChangeLogBytes(), 1, Long.MAX_VALUE);
        long maxChangeLogBytesTotal = s.integerOrAuto("maxChangeLogBytesTotal", d.maxChangeLogBytesTotal(), 1,
                Long.MAX_VALUE);
        int maxStatelessBytes = (int) s.integer("maxStatelessBytes", d.maxStatelessBytes(), 1, Integer.MAX_VALUE);
        int maxPresenceBytes = (int) s.integer("maxPresenceBytes", d.maxPresenceBytes(), 1, Integer.MAX_VALUE);
        int maxSubscriptions = (int) s.integer("maxSubscriptionsPerConnection", d.maxSubscriptionsPerConnection(), 1,
                Integer.MAX_VALUE);
        return new ServerConfig.DataLimits(maxChangeLogBytes, maxChangeLogBytesTotal, maxStatelessBytes,
                maxPresenceBytes, maxSubscriptions);
    }

    private static Map<String, PluginSettings> bindPluginSections(JsonNode node) {
        Map<String, PluginSettings> sections = new LinkedHashMap<>();
        if (node == null) {
            return sections;
        }
        if (!node.isObject()) {
            throw new ConfigException("plugin", "must be a mapping from plugin id to its section (enabled, priority, "
                    + "timeout, hookTimeouts, settings), got " + describe(node));
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String id = entry.getKey();
            Keys p = new Keys("plugin." + id, entry.getValue(), ConfigSchema.PLUGIN_SECTION);
            boolean enabled = p.bool("enabled", true);
            Long priority = p.optionalInteger("priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
            Duration timeout = p.optionalDuration("timeout");
            Map<String, Duration> hookTimeouts = new LinkedHashMap<>();
            JsonNode hooks = p.value("hookTimeouts");
            if (hooks != null) {
                if (!hooks.isObject()) {
                    throw new ConfigException(p.key("hookTimeouts"), "must be a mapping from hook name to duration, "
                            + "e.g. {onLoadDocument: 30s}, got " + describe(hooks));
                }
                Keys h = new Keys(p.key("hookTimeouts"), hooks, null);
                for (String hook : h.names()) {
                    if (Hooks.byName(hook) == null) {
                        throw ConfigException.verbatim(h.key(hook), unknownHookMessage(h.key(hook), hook));
                    }
                    hookTimeouts.put(hook, h.duration(hook, null));
                }
            }
            JsonNode settings = p.value("settings");
            if (settings != null && !settings.isObject()) {
                throw new ConfigException(p.key("settings"), "must be a mapping of the plugin's own settings, got "
                        + describe(settings));
            }
            sections.put(id, new PluginSettings(enabled, priority == null ? null : priority.intValue(), timeout,
                    hookTimeouts, settings == null ? null : settings.deepCopy()));
        }
        return sections;
    }

    /** The keys of one mapping, read with their full path for messages. */
    private static final class Keys {

        private final String path;
        private final JsonNode node;

        /** Checks the node is a mapping and, when {@code shape} is given, that it has no unknown keys. */
        Keys(String path, JsonNode node, Section shape) {
            this.path = path;
            if (node == null || node.isNull() || node.isMissingNode()) {
                this.node = JsonNodeFactory.instance.objectNode();
                return;
            }
            if (!node.isObject()) {
                String keys = shape == null ? "" : " (" + String.join(", ", shape.keys().keySet()) + ")";
                throw new ConfigException(path, "must be a mapping of keys" + keys + ", got " + describe(node));
            }
            this.node = node;
            if (shape != null) {
                for (String name : names()) {
                    if (!shape.keys().containsKey(name)) {
                        throw ConfigException.verbatim(key(name), unknownKeyMessage(path, name, shape));
                    }
                }
            }
        }

        List<String> names() {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            return names;
        }

        String key(String name) {
            return join(path, name);
        }

        /** @return the value, or {@code null} when absent or null */
        JsonNode value(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        Keys section(String name, Section shape) {
            return new Keys(key(name), node.get(name), shape);
        }

        String string(String name, String fallback) {
            JsonNode value = value(name);
            if (value == null) {
                return fallback;
            }
            if (!value.isValueNode()) {
                throw new ConfigException(key(name), "must be a text value, got " + describe(value));
            }
            return value.asText();
        }

        Path path(String name, Path fallback) {
            String text = string(name, null);
            if (text == null) {
                return fallback;
            }
            if (text.isBlank()) {
                throw new ConfigException(key(name), "must name a directory, got \"\"");
            }
            try {
                return Path.of(text);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException(key(name), "is not a valid path: " + e.getMessage(), e);
            }
        }

        boolean bool(String name, boolean fallback) {
            JsonNode value = value(name);
            if (value == null) {
                return fallback;
            }
            if (value.isBoolean()) {
                return value.booleanValue();
            }
            if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(value.asText());
            }
            throw new ConfigException(key(name), "must be true or false, got " + describe(value));
        }

        long integer(String name, long fallback, long min, long max) {
            Long value = optionalInteger(name, min, max);
            return value == null ? fallback : value;
        }

        /** A whole number, or the text {@code auto} for {@code auto} (a default the server derives). */
        long integerOrAuto(String name, long auto, long min, long max) {
            return integerOrAuto(name, auto, min, max, "");
        }

        /** As above; {@code autoMeaning} says in an error what {@code auto} stands for, e.g. " (derived from …)". */
        long integerOrAuto(String name, long auto, long min, long max, String autoMeaning) {
            JsonNode value = value(name);
            if (value != null && value.isTextual() && value.asText().strip().equalsIgnoreCase("auto")) {
                return auto;
            }
            try {
                return integer(name, auto, min, max);
            } catch (ConfigException e) {
                throw new ConfigException(key(name), "must be auto" + autoMeaning + " or a whole number " + range(min, max) + ", got "
                        + describe(value), e);
            }
        }

        Long optionalInteger(String name, long min, long max) {
            JsonNode value = value(name);
            if (value == null) {
                return null;
            }
            Long number = null;
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                number = value.longValue();
            } else if (value.isTextual() && INTEGER.matcher(value.asText().strip()).matches()) {
                number = Long.parseLong(value.asText().strip());
            }
            if (number == null) {
                throw new ConfigException(key(name), "must be a whole number " + range(min, max) + ", got " + describe(value));
            }
            if (number < min || number > max) {
                throw new ConfigException(key(name), "must be " + range(min, max) + ", got " + number);
            }
            return number;
        }

        Duration duration(String name, Duration fallback) {
            Duration value = optionalDuration(name);
            return value == null ? fallback : value;
        }

        Duration optionalDuration(String name) {
            JsonNode value = value(name);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                throw new ConfigException(key(name), "must be a duration with a unit (" + Durations.FORMAT + "), got "
                        + describe(value));
            }
            Duration duration;
            try {
                duration = Durations.parse(value.asText());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key(name), e.getMessage(), e);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new ConfigException(key(name), "must be a positive duration, got " + value.asText());
            }
            return duration;
        }
    }

    private static String range(long min, long max) {
        if ((max == Integer.MAX_VALUE || max == Long.MAX_VALUE) && min != Integer.MIN_VALUE) {
            return ">= " + min;
        }
        return min + ".." + max;
    }

    static String unknownKeyMessage(String path, String name, Section shape) {
        StringBuilder message = new StringBuilder("unknown key ").append(join(path, name));
        if (shape == ConfigSchema.PLUGINS) {
            message.append(" (per-plugin sections go under plugin.<id>, e.g. plugin.").append(name).append(')');
        } else {
            String suggestion = ConfigSchema.suggest(name, shape.keys().keySet());
            if (suggestion != null) {
                message.append(" (did you mean ").append(suggestion).append("?)");
            }
        }
        return message.append("; ").append(path.isEmpty() ? "the top level" : path).append(" takes ")
                .append(String.join(", ", shape.keys().keySet())).toString();
    }

    private static String unknownHookMessage(String key, String hook) {
        List<String> names = Hooks.all().stream().map(Hook::name).toList();
        String suggestion = ConfigSchema.suggest(hook, names);
        return "unknown hook " + key + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                + "; hooks are " + String.join(", ", names);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : name.isEmpty() ? path : path + "." + name;
    }

    /** @return the value as the operator wrote it: text quoted, numbers and booleans as they are, or its kind */
    static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "\"" + value.asText() + "\"";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.asText();
    }
}
