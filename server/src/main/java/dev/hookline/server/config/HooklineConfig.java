package dev.hookline.server.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.server.hooks.PluginSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Everything {@code conf/hookline.yaml} configures, bound and validated. {@link ConfigLoader}
 * builds one from the file, the {@code HOOKLINE_*} environment and the command line; the
 * reference is {@code docs/configuration.md}.
 *
 * @param server           {@code server.*}: listener, limits, keep-alive, store timing
 * @param hookTimeout      {@code hooks.defaultTimeout}: the deadline of a hook call when the plugin's section gives none
 * @param pluginsDirectory {@code plugins.directory}: the folder of plugin jars (relative paths: see {@link #resolvePaths})
 * @param watchPlugins     {@code plugins.watch}: load, reload and unload plugins as jars change in the folder
 * @param dataDirectory    {@code data.directory}: where the server and its plugins keep data
 * @param adminToken       {@code admin.token}: the bearer token of the admin endpoints; empty disables them
 * @param metricsEnabled   {@code admin.metrics.enabled}: whether {@code /metrics} is served
 * @param pluginSections   {@code plugin.<id>}: each plugin's section, by plugin id; sections equal to
 *                         {@link PluginSettings#DEFAULTS} are dropped (they say nothing)
 * @param cluster          {@code cluster.*}: this node's part in a cluster, when a cluster engine plugin is enabled
 */
public record HooklineConfig(ServerConfig server, Duration hookTimeout, Path pluginsDirectory, boolean watchPlugins,
                             Path dataDirectory, String adminToken, boolean metricsEnabled,
                             Map<String, PluginSettings> pluginSections, ClusterConfig cluster) {

    /** The id of the bundled storage plugin, whose database file defaults to one under {@link #dataDirectory}. */
    public static final String SQLITE_PLUGIN = "sqlite";

    /** The sqlite plugin's database file name inside the data directory, when its section names none. */
    public static final String SQLITE_FILE = "hookline.db";

    /**
     * The built-in defaults, which {@code conf/hookline.yaml} spells out: {@link ServerConfig#DEFAULTS},
     * 10 s hook deadlines, plugins from {@code plugins} watched for changes, data in {@code data},
     * admin endpoints off, metrics on, no plugin sections.
     */
    public static final HooklineConfig DEFAULTS = new HooklineConfig(ServerConfig.DEFAULTS, Duration.ofSeconds(10),
            Path.of("plugins"), true, Path.of("data"), "", true, Map.of(), ClusterConfig.DEFAULTS);

    /** Checks presence; the loader has validated the values and names the bad key. */
    public HooklineConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(hookTimeout, "hookTimeout");
        Objects.requireNonNull(pluginsDirectory, "pluginsDirectory");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        adminToken = adminToken == null ? "" : adminToken;
        cluster = cluster == null ? ClusterConfig.DEFAULTS : cluster;
        TreeMap<String, PluginSettings> sections = new TreeMap<>();
        if (pluginSections != null) {
            pluginSections.forEach((id, section) -> {
                if (section != null && !section.equals(PluginSettings.DEFAULTS)) {
                    sections.put(id, section);
                }
            });
        }
        pluginSections = java.util.Collections.unmodifiableMap(sections);
    }

    /** @return whether the admin endpoints are on (a non-blank token is set) */
    public boolean adminEnabled() {
        return !adminToken.isBlank();
    }

    /**
     * The settings the hook engine uses for the plugin (or hook source) {@code id}: its section, or
     * {@link PluginSettings#DEFAULTS}. One default is added here: the {@code sqlite} plugin's
     * {@code settings.file}, when not set, is {@code <data.directory>/hookline.db}, so the data
     * directory of the configuration is where the bundled storage writes.
     *
     * @return the settings of {@code id}, never {@code null}
     */
    public PluginSettings pluginSettings(String id) {
        PluginSettings section = pluginSections.getOrDefault(id, PluginSettings.DEFAULTS);
        if (SQLITE_PLUGIN.equals(id) && section.settings() instanceof ObjectNode settings
                && (!settings.hasNonNull("file"))) {
            ObjectNode withFile = settings.deepCopy();
            withFile.put("file", dataDirectory.resolve(SQLITE_FILE).toString());
            section = section.withSettings(withFile);
        }
        return section;
    }

    /** @return {@link #pluginSettings(String)} as a function, for {@code Hookline.Builder.pluginSettings} */
    public Function<String, PluginSettings> pluginSettingsById() {
        return this::pluginSettings;
    }

    /**
     * Resolves the relative {@link #pluginsDirectory} and {@link #dataDirectory} against {@code base}
     * (the Hookline home, or the working directory), so that the distribution finds {@code plugins/}
     * and {@code data/} next to {@code bin/} wherever it is started from. Absolute paths stay.
     *
     * @return a copy with absolute, normalized directories
     */
    public HooklineConfig resolvePaths(Path base) {
        Path absoluteBase = base.toAbsolutePath();
        return new HooklineConfig(server, hookTimeout, absoluteBase.resolve(pluginsDirectory).normalize(), watchPlugins,
                absoluteBase.resolve(dataDirectory).normalize(), adminToken, metricsEnabled, pluginSections, cluster);
    }

    /** @return a copy with another server section */
    public HooklineConfig withServer(ServerConfig server) {
        return new HooklineConfig(server, hookTimeout, pluginsDirectory, watchPlugins, dataDirectory, adminToken,
                metricsEnabled, pluginSections, cluster);
    }

    /** Does not print the admin token. */
    @Override
    public String toString() {
        return "HooklineConfig[server=" + server + ", hookTimeout=" + hookTimeout + ", pluginsDirectory="
                + pluginsDirectory + ", watchPlugins=" + watchPlugins + ", dataDirectory=" + dataDirectory
                + ", adminToken=" + (adminToken.isEmpty() ? "(none)" : "(set)") + ", metricsEnabled=" + metricsEnabled
                + ", pluginSections=" + pluginSections + ", cluster=" + cluster + "]";
    }
}
